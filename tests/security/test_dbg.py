import re
from tests.security import payload_world
from tests.security.support import sign_in
from tests.surveys.mailbox import smtp_server
def test_dbg(app):
    world = payload_world.build(app, "abc")
    owner = sign_in(app, world.owner_email)
    with smtp_server() as box:
        app.config.update(SMTP_HOST=box.host, SMTP_PORT=box.port)
        r = owner.post(f"/waves/{world.wave_id}/emails", data={"email-group": str(world.group_id), "email-emails": "someone@example.test"})
    html = r.get_data(as_text=True)
    i = html.find("emails"); print([m.start() for m in re.finditer("error", html)]); print(html[html.find("<form method=\"post\" action=\"/waves/1/emails"):][:3000])
    assert 0
