"""The portal's Jinja2 templates (no JS, every input labelled)."""

from __future__ import annotations

_BASE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{{ portal.title }}</title></head><body><main>
<h1>{{ portal.title }}</h1>{% block body %}{% endblock %}</main></body></html>"""

TEMPLATES = {
    "base.html": _BASE,
    "start.html": """{% extends "base.html" %}{% block body %}
{% if error %}<p role="alert" id="error">{{ error }}</p>{% endif %}
<p>Your company is registered in Germany: we fetch its register data from the German
Handelsregister through the Once-Only Technical System. You will see it first in Germany.</p>
<form method="post" action="/start">
<label for="court">Register court</label>
<select id="court" name="court">{% for code, name in courts %}
<option value="{{ code }}"
{% if values.court == code %} selected{% endif %}>{{ name }} ({{ code }})</option>
{% endfor %}</select>
<label for="register_type">Register</label>
<select id="register_type" name="register_type">{% for t in ("HRB", "HRA") %}
<option{% if values.register_type == t %} selected{% endif %}>{{ t }}</option>{% endfor %}</select>
<label for="number">Register number</label>
<input id="number" name="number" value="{{ values.number }}" required>
<fieldset><legend>Representative</legend>
<label for="given">Given name</label>
<input id="given" name="given" value="{{ values.given }}" required>
<label for="family">Family name</label>
<input id="family" name="family" value="{{ values.family }}" required>
<label for="born">Date of birth (YYYY-MM-DD)</label>
<input id="born" name="born" value="{{ values.born }}" required>
<label for="person_id">eIDAS identifier</label>
<input id="person_id" name="person_id" value="{{ values.person_id }}" required>
</fieldset>
<button type="submit" id="fetch">Fetch from Germany</button></form>{% endblock %}""",
    "form.html": """{% extends "base.html" %}{% block body %}
{% if message %}<p role="alert" id="message">{{ message }}</p>{% endif %}
<form method="post" action="/register"><h2>Registration form</h2>
{% for f in fields %}<div class="field">
<label for="{{ f.key }}">{{ f.label }}</label>
<input id="{{ f.key }}" name="{{ f.key }}" value="{{ f.value }}"
 aria-describedby="{{ f.key }}-source"{% if f.unmapped %} aria-invalid="true"{% endif %}>
<small id="{{ f.key }}-source" class="source">Source: {{ f.source }}</small></div>
{% endfor %}
{% if not fields %}<p id="empty">Nothing prefilled.</p>{% endif %}
</form><p><a href="/">Start again</a></p>{% endblock %}""",
}
