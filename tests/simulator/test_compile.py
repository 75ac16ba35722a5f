"""The compile rule and asynchronous compilation of call flow app scripts."""

import re

import pytest

from xapisim.compiler import compile_script, normalise_script

GOOD = "using System;\nnamespace Demo {\n  public class Main {\n    void Run() { Log(\"}\"); }\n  }\n}\n"


# -- the rule ---------------------------------------------------------------------------

def test_balanced_script_compiles_without_output():
    assert compile_script(GOOD) == (True, "")


@pytest.mark.parametrize("script", [None, "", "   \n\t\n"])
def test_blank_script_fails(script):
    ok, output = compile_script(script)
    assert not ok
    assert output.startswith("E: (line 1) ")


@pytest.mark.parametrize("script, line, text", [
    ("class A {\n  void M() {\n}\n", 3, "} expected"),
    ("class A {\n  void M( {\n  }\n}\n", 2, ") expected"),
    ("class A { }\n}\n", 2, "end-of-file expected"),
    ("class A { int[] x = new int[3; }\n", 1, "']' expected"),
])
def test_unbalanced_brackets_fail_with_the_line(script, line, text):
    ok, output = compile_script(script)
    assert not ok
    assert output.startswith("E: (line %d) " % line)
    assert text in output


@pytest.mark.parametrize("script", [
    'class A { string s = "{(["; }',
    "class A { char c = '{'; }",
    "class A { // {\n}",
    "class A { /* {\n ( */ }",
    'class A { string s = @"{\n""("; }',
    'class A { string s = "say \\"}\\""; }',
    'class A { string s = $"{1}"; }',
    'class A { string s = """\n{ raw\n"""; }',
])
def test_brackets_inside_literals_and_comments_do_not_count(script):
    assert compile_script(script) == (True, "")


def test_unterminated_string_fails():
    ok, output = compile_script('class A { string s = "open; }')
    assert not ok and "Newline in constant" in output


def test_unterminated_block_comment_fails():
    ok, output = compile_script("class A { }\n/* never closed\n")
    assert not ok and output.startswith("E: (line 2) ") and "'*/' expected" in output


def test_error_directive_fails_with_its_text():
    ok, output = compile_script("class A {\n#error Missing API key\n}\n")
    assert not ok
    assert output == "E: (line 2) Missing API key"


def test_warning_directive_does_not_fail():
    ok, output = compile_script("  #warning Old style\nclass A { }\n#warning Second\n")
    assert ok
    assert output == "W: (line 1) Old style\nW: (line 3) Second"


def test_errors_and_warnings_are_listed_in_line_order():
    ok, output = compile_script("#warning first\n#error second\nclass A {\n")
    assert not ok
    assert output.splitlines() == ["W: (line 1) first", "E: (line 2) second", "E: (line 3) CS1513: } expected"]


def test_other_directives_are_ignored():
    assert compile_script("#region x\nclass A { }\n#endregion\n") == (True, "")


def test_normalise_script():
    assert normalise_script("a  \nb\t\r\nc\rd \n") == "a\r\nb\r\nc\r\nd\r\n"
    assert normalise_script(None) is None


# -- asynchronous compilation -----------------------------------------------------------

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def test_new_app_is_invalid_until_compiled(make_sim, make_client, clock):
    api = make_client(make_sim(compile_delay=0.3, clock=clock))
    app = api.create(script=GOOD)
    clock.advance(0.25)
    pending = api.get("CallFlowApps(%d)" % app["Id"]).json()
    assert pending["InvalidScript"] is True
    assert pending["CompilationSucceeded"] is False
    assert pending["CompilationLastSuccess"] is None
    assert api.state_app(app["Id"])["CompilePending"] is True
    clock.advance(0.05)
    done = api.get("CallFlowApps(%d)" % app["Id"]).json()
    assert done["InvalidScript"] is False
    assert done["CompilationSucceeded"] is True
    assert ISO_Z.match(done["CompilationLastSuccess"])
    assert done["CompilationResult"] == ""
    assert api.state_app(app["Id"])["CompilePending"] is False


def test_compile_delay_zero_is_immediate(client):
    app = client.create(script=GOOD)
    assert app["CompilationSucceeded"] is True
    assert app["InvalidScript"] is False


def test_failed_compile_reports_e_lines(client):
    app = client.create(script="class A {\n#error No token\n}\n")
    assert app["CompilationSucceeded"] is False
    assert app["InvalidScript"] is True
    assert app["CompilationResult"] == "E: (line 2) No token"


def test_warnings_land_in_compilation_result(client):
    app = client.create(script="#warning Unused variable\nclass A { }\n")
    assert app["CompilationSucceeded"] is True
    assert app["CompilationResult"] == "W: (line 1) Unused variable"


def test_script_change_recompiles_and_moves_last_success(make_sim, make_client, clock):
    api = make_client(make_sim(compile_delay=3, clock=clock))
    app = api.create(script=GOOD)
    clock.advance(3)
    first = api.state_app(app["Id"])["CompilationLastSuccess"]
    assert first is not None
    clock.advance(10)
    api.patch("CallFlowApps(%d)" % app["Id"], json={"ScriptCode": GOOD + "// v2\n"})
    clock.advance(2)
    assert api.state_app(app["Id"])["CompilePending"] is True
    # Until the new compile finishes, the previous verdict stays.
    assert api.get("CallFlowApps(%d)" % app["Id"]).json()["CompilationLastSuccess"] == first
    clock.advance(1)
    second = api.state_app(app["Id"])
    assert second["CompilePending"] is False
    assert second["CompilationLastSuccess"] > first


def test_broken_change_keeps_the_last_success_time(client):
    app = client.create(script=GOOD)
    client.patch("CallFlowApps(%d)" % app["Id"], json={"ScriptCode": "class A {"})
    state = client.state_app(app["Id"])
    assert state["CompilationSucceeded"] is False and state["InvalidScript"] is True
    assert state["CompilationLastSuccess"] == app["CompilationLastSuccess"]
    assert state["CompilationResult"].startswith("E: ")


def test_patch_without_script_change_does_not_recompile(make_sim, make_client, clock):
    api = make_client(make_sim(compile_delay=3, clock=clock))
    app = api.create(script=GOOD)
    clock.advance(3)
    compiled = api.state_app(app["Id"])
    assert compiled["CompilePending"] is False
    clock.advance(10)
    api.patch("CallFlowApps(%d)" % app["Id"], json={"ScriptCode": GOOD, "Name": "Renamed"})
    state = api.state_app(app["Id"])
    assert state["CompilePending"] is False
    assert state["CompilationLastSuccess"] == compiled["CompilationLastSuccess"]


# -- the --rewrite-scripts quirk --------------------------------------------------------

def test_rewrite_scripts_stores_crlf_without_trailing_blanks(make_sim, make_client):
    api = make_client(make_sim(rewrite_scripts=True))
    app = api.create(script="class A {   \n  void M() { }\t\n}\n")
    expected = "class A {\r\n  void M() { }\r\n}\r\n"
    assert app["ScriptCode"] == expected
    assert api.get("CallFlowApps(%d)" % app["Id"], params={"$select": "ScriptCode"}).json()["ScriptCode"] == expected
    api.patch("CallFlowApps(%d)" % app["Id"], json={"ScriptCode": "x { } \n"})
    assert api.state_app(app["Id"])["ScriptCode"] == "x { }\r\n"


def test_without_the_quirk_scripts_are_kept_verbatim(client):
    script = "class A {   \n}\n"
    assert client.create(script=script)["ScriptCode"] == script
