"""A small XAPI test client bound to one simulator (used by the simulator's tests)."""

import requests


class Client:
    """A requests session bound to one simulator, with shortcuts for XAPI and /_sim."""

    def __init__(self, sim):
        self.sim = sim
        self.base = sim.url
        self.session = requests.Session()

    def token(self, client_id="ansible", client_secret="sim-secret", grant_type="client_credentials"):
        """Ask for a token; returns the raw response."""
        return self.session.post(self.base + "/connect/token",
                                 data={"client_id": client_id, "client_secret": client_secret, "grant_type": grant_type})

    def login(self):
        """Get a token and send it from now on; returns it."""
        answer = self.token()
        assert answer.status_code == 200, answer.text
        token = answer.json()["access_token"]
        self.session.headers["Authorization"] = "Bearer " + token
        return token

    def url(self, path):
        return "%s/xapi/v1/%s" % (self.base, path)

    def get(self, path, **kwargs):
        return self.session.get(self.url(path), **kwargs)

    def post(self, path, **kwargs):
        return self.session.post(self.url(path), **kwargs)

    def patch(self, path, **kwargs):
        return self.session.patch(self.url(path), **kwargs)

    def delete(self, path, **kwargs):
        return self.session.delete(self.url(path), **kwargs)

    def control(self, method, path, **kwargs):
        """Call the control API; asserts success and returns the JSON answer."""
        answer = self.session.request(method, "%s/_sim/%s" % (self.base, path), **kwargs)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def create(self, name="App", number="8000", script="class Main { void Run() { } }", **props):
        """POST a call flow app; asserts 201 and returns the created entity."""
        body = dict(props, Name=name, Number=number, ScriptCode=script)
        answer = self.post("CallFlowApps", json=body)
        assert answer.status_code == 201, answer.text
        return answer.json()

    def state_app(self, app_id):
        """Full stored state of one app (via /_sim/state)."""
        for app in self.control("GET", "state")["callflow_apps"]:
            if app["Id"] == app_id:
                return app
        return None
