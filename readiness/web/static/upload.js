/* readiness web app: uploads with a progress bar (the upload form works without this file). */
"use strict";
