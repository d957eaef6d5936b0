/* Web chat widget of the 1022 hub. Plain JavaScript, no dependencies (works without internet).
 * A session per visitor (token in localStorage), messages read from the hub's store after the last id
 * shown, so a reconnect or a reload loses nothing; sends carry a client id, so a retry is stored once. */
(function () {
  "use strict";
  var KEY = "hub1022.webchat";
  var api = "/webchat/api";
  var state = { token: null, lastId: 0, ws: null, retry: 0, shown: {}, convState: "bot", outbox: [] };
  var $ = function (id) { return document.getElementById(id); };
  var list = $("messages"), statusLine = $("status"), text = $("text");
  var AUTHOR = { bot: "Trợ lý ảo", agent: "Tổng đài viên", system: "Tổng đài 1022", citizen: "Anh/chị" };
  var STATE_TEXT = {
    pending: "Đang chờ tổng đài viên. Tin nhắn của anh/chị được lưu lại.",
    open: "Tổng đài viên đang hỗ trợ anh/chị.",
    bot: "", resolved: ""
  };

  function save() {
    try { localStorage.setItem(KEY, JSON.stringify({ token: state.token, outbox: state.outbox })); } catch (e) { /* private mode */ }
  }
  function load() {
    try { var s = JSON.parse(localStorage.getItem(KEY) || "{}"); state.token = s.token || null; state.outbox = s.outbox || []; } catch (e) { /* ignore */ }
  }
  function randomId() {
    var a = new Uint8Array(12); (window.crypto || window.msCrypto).getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function request(method, path, body) {
    var headers = { "Content-Type": "application/json" };
    if (state.token) headers.Authorization = "Bearer " + state.token;
    return fetch(api + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined })
      .then(function (r) {
        if (r.status === 401) { state.token = null; save(); throw new Error("session"); }
        if (!r.ok) throw new Error("http " + r.status);
        return r.json();
      });
  }
  function ensureSession() {
    if (state.token) return Promise.resolve();
    return fetch(api + "/session", { method: "POST" }).then(function (r) {
      if (!r.ok) throw new Error("session " + r.status);
      return r.json();
    }).then(function (s) { state.token = s.token; save(); });
  }
  function setStatus(message) { statusLine.textContent = message || ""; }

  function render(m) {
    if (state.shown[m.id]) return;
    state.shown[m.id] = true;
    var pending = m.direction === "in" && document.querySelector('[data-client="' + (m.client || "") + '"]');
    var li = document.createElement("li");
    li.className = "msg msg--" + m.direction;
    li.dataset.id = m.id;
    if (m.direction === "out") {
      var who = document.createElement("span"); who.className = "msg__who"; who.textContent = AUTHOR[m.author] || "";
      li.appendChild(who);
    }
    var bubble = document.createElement("div"); bubble.className = "msg__bubble"; bubble.textContent = m.text;
    li.appendChild(bubble);
    if (m.buttons && m.buttons.length) {
      var box = document.createElement("div"); box.className = "msg__buttons";
      m.buttons.forEach(function (b) {
        var btn = document.createElement("button"); btn.type = "button"; btn.textContent = b.title;
        btn.addEventListener("click", function () {
          Array.prototype.forEach.call(box.querySelectorAll("button"), function (x) { x.disabled = true; });
          send(b.title, b.payload);
        });
        box.appendChild(btn);
      });
      li.appendChild(box);
    }
    if (m.direction === "in") {
      var local = list.querySelector(".msg--pending");
      if (local) list.removeChild(local);
    }
    if (pending) list.removeChild(pending);
    list.appendChild(li);
    list.scrollTop = list.scrollHeight;
  }
  function apply(feed) {
    (feed.messages || []).forEach(function (m) {
      render(m);
      if (m.id > state.lastId) state.lastId = m.id;
    });
    if (feed.state) { state.convState = feed.state; setStatus(STATE_TEXT[feed.state]); $("human").disabled = feed.state !== "bot"; }
  }

  function connect() {
    if (!state.token) return;
    var proto = location.protocol === "https:" ? "wss://" : "ws://";
    var ws = new WebSocket(proto + location.host + "/webchat/ws?after=" + state.lastId + "&token=" + encodeURIComponent(state.token));
    state.ws = ws;
    ws.onopen = function () { state.retry = 0; if (state.convState === "bot") setStatus(""); flush(); };
    ws.onmessage = function (e) { try { apply(JSON.parse(e.data)); } catch (err) { /* ignore a bad frame */ } };
    ws.onclose = function () {
      state.ws = null;
      setStatus("Mất kết nối, đang kết nối lại… Tin nhắn của anh/chị không bị mất.");
      var delay = Math.min(10000, 500 * Math.pow(2, state.retry++));
      setTimeout(function () { ensureSession().then(connect, function () { setTimeout(connect, delay); }); }, delay);
    };
  }

  function showPending(item) {
    var li = document.createElement("li");
    li.className = "msg msg--in msg--pending"; li.dataset.client = item.client_id;
    var bubble = document.createElement("div"); bubble.className = "msg__bubble"; bubble.textContent = item.text;
    li.appendChild(bubble); list.appendChild(li); list.scrollTop = list.scrollHeight;
  }
  function flush() {
    if (!state.outbox.length || flush.busy) return;
    flush.busy = true;
    var item = state.outbox[0];
    ensureSession().then(function () { return request("POST", "/messages", item); }).then(function () {
      state.outbox.shift(); save(); flush.busy = false; flush();
    }, function () {
      flush.busy = false; setTimeout(flush, 2000);  /* same client_id: stored once when it gets through */
    });
  }
  function send(message, payload) {
    var item = { text: message, payload: payload || null, client_id: randomId() };
    state.outbox.push(item); save(); showPending(item); flush();
  }

  $("composer").addEventListener("submit", function (e) {
    e.preventDefault();
    var value = text.value.trim();
    if (!value) return;
    text.value = ""; send(value);
  });
  text.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("composer").requestSubmit(); }
  });
  $("human").addEventListener("click", function () {
    $("human").disabled = true;
    ensureSession().then(function () { return request("POST", "/handoff"); }).then(function (r) {
      apply({ state: r.state });
    }, function () { $("human").disabled = false; setStatus("Chưa gửi được yêu cầu, anh/chị vui lòng thử lại."); });
  });
  $("subscribe-toggle").addEventListener("click", function () {
    var panel = $("subscribe-panel"); panel.hidden = !panel.hidden;
    $("subscribe-toggle").setAttribute("aria-expanded", String(!panel.hidden));
    if (!panel.hidden && $("place").options.length < 2) {
      fetch(api + "/places").then(function (r) { return r.json(); }).then(function (places) {
        places.forEach(function (p) { var o = document.createElement("option"); o.value = p.code; o.textContent = p.name; $("place").appendChild(o); });
      });
    }
  });
  $("subscribe-panel").addEventListener("submit", function (e) {
    e.preventDefault();
    ensureSession().then(function () { return request("POST", "/subscriptions", { area_code: $("place").value }); })
      .then(function (r) { setStatus(r.message); }, function () { setStatus("Chưa đăng ký được, anh/chị vui lòng thử lại."); });
  });
  $("unsubscribe").addEventListener("click", function () {
    ensureSession().then(function () { return request("DELETE", "/subscriptions"); })
      .then(function () { setStatus("Đã hủy đăng ký nhận thông báo."); });
  });

  load();
  state.outbox.forEach(showPending);
  ensureSession().then(function () { return request("GET", "/messages?after=0"); }).then(function (feed) {
    apply(feed); connect(); flush();
  }, function () { setStatus("Chưa kết nối được, đang thử lại…"); setTimeout(function () { location.reload(); }, 5000); });
})();
