"""The web app (``readiness serve``): officials read and add evidence from a browser.

A thin front end like the command line: each route parses the request, calls one use case of
``readiness.api`` with the signed-in person, and renders a page (Jinja2, server-side) or JSON.
Rights, rules and queries all live in the library; the web layer holds only what is the web's
own: cookies, CSRF tokens, security headers, the UI's words in Vietnamese and English, and the
streaming of uploads to temporary files.

Nothing here is imported by ``readiness --help``; ``readiness serve`` imports it.
"""
