// Live refresh for the ssm-incidents-mock dashboard. Every page keeps what changes in
// <div id="live">; while the tab is visible this asks the server for that part again
// (?fragment=1 with the last ETag: an unchanged page costs an empty 304) and swaps it in.
// One request at a time, each given up after 5 s; errors back off to one try per 30 s.
"use strict";

(function () {
  const live = document.getElementById("live");
  const status = document.getElementById("live-status");
  if (!live || !window.fetch || !window.AbortController) {
    return;
  }
  const interval = Number(live.dataset.pollMs) || 2000;
  const maxDelay = 30000;
  const timeoutMs = 5000;
  let etag = live.dataset.etag || null;
  let delay = interval;
  let timer = null;
  let inFlight = false;

  const url = new URL(window.location.href);
  url.searchParams.set("fragment", "1");
  url.hash = "";

  function say(text, state) {
    if (status) {
      status.textContent = text;
      status.dataset.state = state;
    }
  }

  function clock() {
    return new Date().toLocaleTimeString([], { hour12: false });
  }

  function schedule(ms) {
    if (timer === null && !document.hidden) {
      timer = window.setTimeout(poll, ms);
    }
  }

  async function poll() {
    timer = null;
    if (inFlight || document.hidden) {
      return;
    }
    inFlight = true;
    const controller = new AbortController();
    const abort = window.setTimeout(() => controller.abort(), timeoutMs);
    try {
      const headers = etag ? { "If-None-Match": etag } : {};
      const response = await fetch(url, {
        headers: headers,
        cache: "no-store",
        credentials: "same-origin",
        redirect: "error",
        signal: controller.signal,
      });
      if (response.status === 200) {
        const html = await response.text();
        etag = response.headers.get("ETag");
        const template = document.createElement("template");
        template.innerHTML = html; // markup the server escaped; scripts in a template never run
        live.replaceChildren(template.content);
        live.dataset.etag = etag || "";
        say("Live · updated " + clock(), "live");
      } else if (response.status === 304) {
        say("Live · checked " + clock(), "live");
      } else {
        throw new Error(response.status === 404 ? "gone" : "HTTP " + response.status);
      }
      delay = interval;
    } catch (error) {
      delay = Math.min(delay * 2, maxDelay);
      const reason = error && error.message === "gone" ? "no longer exists" : "server unreachable";
      say("Offline · " + reason + ", retrying in " + Math.round(delay / 1000) + " s", "offline");
    } finally {
      window.clearTimeout(abort);
      inFlight = false;
      schedule(delay);
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      if (timer !== null) {
        window.clearTimeout(timer);
        timer = null;
      }
      say("Paused while the tab is hidden", "paused");
    } else {
      schedule(0);
    }
  });

  say("Live · checking every " + Math.round(interval / 1000) + " s", "live");
  schedule(interval);
})();
