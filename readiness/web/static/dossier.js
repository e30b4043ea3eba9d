/* readiness web app: the dossier page follows its render without reloading (it reloads itself without this file). */
"use strict";
