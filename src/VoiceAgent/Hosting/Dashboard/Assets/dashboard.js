// The live dashboard. Plain script, no build step. Everything shown comes from the server's call monitor:
// a snapshot, then server-sent events for every hop as it is stamped. Text only ever goes in via textContent.
"use strict";
(function () {
  const HOP_LABELS = {
    "socket-received": "words received", "speech-ended": "speech ended (VAD)", "transcript-final": "STT final",
    "model-request-sent": "model request sent", "second-model-request-sent": "second model request (race)",
    "first-model-delta": "first model token", "first-token-sent": "first token out", "first-tts-audio": "first TTS audio",
    "first-media-sent": "first media frame out", "first-audio-heard": "heard (first mark echoed)", "last-model-delta": "last model token", "last-frame-sent": "last frame out",
    "playback-completed": "played (mark echoed)", "interrupted": "interrupted",
  };
  const BAR_CLASS = { "first-model-delta": "model", "last-model-delta": "model", "second-model-request-sent": "model",
    "first-token-sent": "out", "first-media-sent": "out", "last-frame-sent": "out", "interrupted": "cut" };
  const TURNS_SHOWN = 6;
  const calls = new Map(); // callId -> { callId, transport, state, startedAt, endedAt, turns, recentTurns: [{turnId, hops:{}, outcome}] }
  let selected = null;
  let scheduled = false;
  const $ = (id) => document.getElementById(id);

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    if (props) for (const [k, v] of Object.entries(props)) {
      if (k === "class") node.className = v; else if (k === "text") node.textContent = v;
      else if (k === "style") Object.assign(node.style, v); else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c);
    return node;
  }

  function loadSnapshot(snapshot) {
    calls.clear();
    for (const c of snapshot.calls) calls.set(c.callId, { ...c, recentTurns: c.recentTurns.map((t) => ({ ...t, hops: { ...t.hops } })) });
    renderLatency(snapshot);
    schedule();
  }

  function turnOf(call, turnId) {
    let turn = call.recentTurns.find((t) => t.turnId === turnId);
    if (!turn) {
      turn = { turnId, hops: {}, outcome: null };
      call.recentTurns.push(turn);
      if (call.recentTurns.length > 20) call.recentTurns.shift();
    }
    return turn;
  }

  function apply(e) {
    let call = calls.get(e.callId);
    if (!call) {
      if (e.type === "call-ended") return;
      call = { callId: e.callId, transport: e.transport || "unknown", state: "listening", startedAt: e.at, endedAt: null, turns: 0, recentTurns: [] };
      calls.set(e.callId, call);
    }
    if (e.type === "call-started") { call.transport = e.transport || call.transport; call.state = "listening"; }
    else if (e.type === "hop") {
      const turn = turnOf(call, e.turnId);
      if (!(e.hop in turn.hops)) turn.hops[e.hop] = e.ms;
      if (turn.outcome) { schedule(); return; } // the audio path's late hops fill the waterfall only
      if (["socket-received", "speech-ended", "transcript-final", "model-request-sent"].includes(e.hop)) call.state = "thinking";
      else if (e.hop === "first-token-sent" || e.hop === "first-media-sent") call.state = "speaking";
      else if (e.hop === "interrupted") call.state = "interrupted";
    } else if (e.type === "turn-closed") {
      turnOf(call, e.turnId).outcome = e.outcome;
      call.turns += 1;
      soonRefreshSnapshot(); // a finished turn changes the percentiles
      if (call.state !== "ended") call.state = "listening";
    } else if (e.type === "call-ended") { call.state = "ended"; call.endedAt = e.at; if (e.cost) call.cost = e.cost; }
    schedule();
  }

  function schedule() {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => { scheduled = false; renderCalls(); renderWaterfall(); });
  }

  function age(call) {
    const end = call.endedAt ? Date.parse(call.endedAt) : Date.now();
    const s = Math.max(0, Math.round((end - Date.parse(call.startedAt)) / 1000));
    return s < 60 ? s + " s" : Math.floor(s / 60) + " min " + (s % 60) + " s";
  }

  // The call's cost once it ended (the server prices it from what the call used); the split shows on hover.
  function money(cost, amount) { return cost.currency + " " + Number(amount).toFixed(4); }
  function costText(cost) { return cost ? money(cost, cost.total) + (cost.unpricedModels && cost.unpricedModels.length ? " +" : "") : ""; }
  function costSplit(cost) {
    if (!cost) return "";
    return "carrier " + money(cost, cost.carrier) + " (" + cost.carrierMinutes + " min) · STT " + money(cost, cost.speechToText) +
      " (" + cost.sttSeconds + " s) · model " + money(cost, cost.model) + " (" + cost.inputTokens + " in, " + cost.cachedInputTokens +
      " cached, " + cost.outputTokens + " out) · TTS " + money(cost, cost.textToSpeech) + " (" + cost.ttsCharacters + " chars) · prices of " +
      cost.pricesAsOf + (cost.unpricedModels && cost.unpricedModels.length ? " · unpriced: " + cost.unpricedModels.join(", ") : "");
  }

  function renderCalls() {
    const body = $("calls").tBodies[0];
    const list = [...calls.values()].sort((a, b) => (a.endedAt ? 1 : 0) - (b.endedAt ? 1 : 0) || Date.parse(b.startedAt) - Date.parse(a.startedAt));
    body.replaceChildren(...list.map((c) => {
      const row = el("tr", { "data-call-id": c.callId, "data-state": c.state, class: c.callId === selected ? "selected" : "" },
        el("td", { class: "call", text: c.callId }), el("td", { text: c.transport }),
        el("td", { class: "state-" + c.state, text: c.state }), el("td", { text: String(c.turns) }), el("td", { text: age(c) }),
        el("td", { class: "cost", text: costText(c.cost), title: costSplit(c.cost) }));
      row.addEventListener("click", () => { selected = c.callId; $("transcript").textContent = "Written when the call ends; reading it is audited."; schedule(); });
      return row;
    }));
    const live = list.filter((c) => !c.endedAt).length;
    $("calls-count").textContent = live + " live, " + (list.length - live) + " ended";
    $("calls-empty").hidden = list.length > 0;
  }

  function renderWaterfall() {
    const call = selected && calls.get(selected);
    $("selected-call").textContent = call ? call.callId + " (" + call.transport + ", " + call.state + (call.cost ? ", cost " + costSplit(call.cost) : "") + ")" : "— pick a call";
    const box = $("waterfall");
    if (!call) { box.replaceChildren(); return; }
    const turns = call.recentTurns.slice(-TURNS_SHOWN).reverse();
    const scale = Math.max(1, ...turns.flatMap((t) => Object.values(t.hops)));
    box.replaceChildren(...turns.map((t) => {
      const hops = Object.entries(t.hops).sort((a, b) => a[1] - b[1]);
      let previous = 0;
      const rows = hops.map(([hop, ms]) => {
        const from = Math.min(previous, ms);
        previous = ms;
        return el("div", { class: "hop", "data-hop": hop },
          el("span", { class: "name", text: HOP_LABELS[hop] || hop, title: hop }),
          el("span", { class: "track" }, el("span", { class: "bar " + (BAR_CLASS[hop] || ""),
            style: { left: (100 * from / scale) + "%", width: Math.max(0.3, 100 * (ms - from) / scale) + "%" } })),
          el("span", { class: "ms", text: ms.toFixed(1) + " ms" }));
      });
      return el("div", { class: "turn", "data-turn-id": String(t.turnId) },
        el("h3", { text: "Turn " + t.turnId + (t.outcome ? " · " + t.outcome : " · in progress") }), ...rows);
    }));
  }

  function renderLatency(snapshot) {
    $("window-minutes").textContent = String(snapshot.windowMinutes);
    $("dropped").textContent = String(snapshot.droppedEvents);
    const fmt = (v) => (v === undefined || v === null ? "–" : v.toFixed(1));
    $("latency").tBodies[0].replaceChildren(...snapshot.latency.map((r) => {
      const budget = r.budgetHighMs == null ? "ours" : (r.budgetLowMs != null ? r.budgetLowMs + "–" : "≤ ") + r.budgetHighMs + " ms";
      const verdict = r.samples === 0 ? "" : r.budgetHighMs == null ? "" : r.overBudget ? "over" : "ok";
      return el("tr", { "data-key": r.key, "data-samples": String(r.samples) }, el("td", { text: r.name }), el("td", { text: String(r.samples) }),
        el("td", { text: fmt(r.p50Ms) }), el("td", { text: fmt(r.p95Ms) }), el("td", { text: budget }),
        el("td", { class: verdict, text: verdict === "over" ? "p95 over" : verdict }));
    }));
  }

  async function getJson(path) {
    const response = await fetch(path, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.status === 401) { location.href = "/dashboard"; throw new Error("logged out"); }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.detail || response.statusText);
    return body;
  }

  let refreshTimer = null;
  function soonRefreshSnapshot() {
    if (refreshTimer === null) refreshTimer = setTimeout(() => { refreshTimer = null; refreshSnapshot(); }, 250);
  }

  async function refreshSnapshot() {
    try { const s = await getJson("/dashboard/api/snapshot"); renderLatency(s); } catch (e) { /* next round */ }
  }

  async function refreshHealth() {
    try {
      const h = await getJson("/dashboard/api/health");
      $("health-status").textContent = h.status;
      $("health-status").dataset.state = h.status;
      $("health").replaceChildren(...h.checks.map((c) => el("li", { class: c.reachable ? "up" : "down",
        text: c.name + " · " + c.origin + (c.reachable ? "" : " · " + (c.error || "unreachable")) })));
    } catch (e) { $("health-status").textContent = "unknown"; }
  }

  $("transcript-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const box = $("transcript");
    if (!selected) { box.textContent = "Pick a call first."; return; }
    const reason = $("transcript-reason").value.trim();
    try {
      const t = await getJson("/dashboard/api/calls/" + encodeURIComponent(selected) + "/transcript?reason=" + encodeURIComponent(reason));
      box.className = "";
      box.replaceChildren(...t.lines.map((l) => el("p", {}, el("span", { class: "who", text: l.kind }),
        document.createTextNode(l.text + (l.interrupted ? " [cut]" : "")))));
    } catch (e) { box.className = "muted"; box.textContent = e.message; }
  });

  function connect() {
    const stream = new EventSource("/dashboard/events");
    const badge = $("stream");
    stream.addEventListener("open", () => { badge.textContent = "live"; badge.dataset.state = "live"; });
    stream.addEventListener("snapshot", (m) => loadSnapshot(JSON.parse(m.data)));
    stream.addEventListener("message", (m) => apply(JSON.parse(m.data)));
    stream.addEventListener("error", () => { badge.textContent = "reconnecting…"; badge.dataset.state = "down"; });
  }

  connect();
  refreshHealth();
  setInterval(refreshSnapshot, 5000);
  setInterval(refreshHealth, 10000);
  setInterval(schedule, 1000); // ages
})();
