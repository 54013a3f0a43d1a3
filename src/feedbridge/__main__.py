from feedbridge.cli.main import app

app(prog_name="feedbridge")
