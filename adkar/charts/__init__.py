"""Pure chart builders: data in, plotly figure dicts out. Nothing here touches the database or Flask."""
