/* readiness web app: progressive enhancement only; every page works without this file. */
"use strict";
