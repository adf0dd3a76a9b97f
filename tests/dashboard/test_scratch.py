from . import scenario


def test_scratch(client, auth, factory):
    s = scenario.build(factory)
    auth.login(s.owner.email)
    r = client.get(f"/initiatives/{s.initiative.id}/dashboard")
    open("/tmp/dash/dashboard.html", "w").write(r.get_data(as_text=True))
    assert r.status_code == 200, r.get_data(as_text=True)[:3000]
    r = client.get(f"/waves/{s.pulse_id}/readiness")
    open("/tmp/dash/wave.html", "w").write(r.get_data(as_text=True))
    assert r.status_code == 200
    r = client.get(f"/initiatives/{s.initiative.id}/report.html")
    open("/tmp/dash/report.html", "w").write(r.get_data(as_text=True))
    assert r.status_code == 200
    r = client.get(f"/initiatives/{s.initiative.id}/readiness.csv")
    open("/tmp/dash/r.csv", "wb").write(r.data)
    r = client.get(f"/initiatives/{s.initiative.id}/readiness.xlsx")
    open("/tmp/dash/r.xlsx", "wb").write(r.data)
