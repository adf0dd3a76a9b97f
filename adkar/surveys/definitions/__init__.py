"""Survey definitions: the question types (`questions`), the definition files read and checked (`survey`),
and the definitions loaded once at start-up (`registry`)."""
