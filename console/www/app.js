// vpcsim console: a read-only view of the cluster. The state comes from
// /console/api/state and then, live, from the server-sent events of
// /console/api/stream; nothing here changes the cluster.
'use strict';

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function badge(state) {
  return el('span', { class: 'badge state-' + state, 'data-state': state }, state);
}

function renderAccounts(st) {
  const box = $('accounts');
  box.replaceChildren();
  for (const a of st.Topology.Accounts) {
    for (const r of a.Regions) {
      const owned = r.Vpcs.filter((v) => v.Owned);
      if (owned.length === 0) continue;
      const card = el('div', { class: 'card', 'data-account': a.AccountId, 'data-region': r.Region },
        el('h3', {}, 'account ' + a.AccountId + ' · ' + r.Region));
      for (const v of owned) {
        card.append(el('div', { class: 'vpc', id: 'vpc-' + v.VpcId, 'data-vpc': v.VpcId },
          v.VpcId + (v.Name ? ' (' + v.Name + ')' : '') + ' ',
          el('span', { class: 'cidr' }, v.CidrBlocks.join(', '))));
      }
      box.append(card);
    }
  }
}

function renderPcx(st) {
  const rows = $('pcx-rows');
  rows.replaceChildren();
  const vpcOwner = {};
  for (const a of st.Topology.Accounts)
    for (const r of a.Regions) for (const v of r.Vpcs) vpcOwner[v.VpcId] = a.AccountId + ' ' + r.Region;
  for (const c of st.Topology.PeeringConnections) {
    const views = el('td', {});
    for (const v of st.Views) {
      const mine = v.VpcPeeringConnections.find((p) => p.VpcPeeringConnectionId === c.VpcPeeringConnectionId);
      if (mine) views.append(v.AccountId + ': ', badge(mine.State), ' ');
    }
    const btn = el('button', {}, 'sequence diagram');
    btn.onclick = () => showTrace(c.VpcPeeringConnectionId, st);
    rows.append(el('tr', { id: 'row-' + c.VpcPeeringConnectionId, 'data-pcx': c.VpcPeeringConnectionId, 'data-state': c.State },
      el('td', {}, c.VpcPeeringConnectionId),
      el('td', {}, c.RequesterVpcId + ' (' + (vpcOwner[c.RequesterVpcId] || '?') + ')'),
      el('td', {}, c.AccepterVpcId + ' (' + (vpcOwner[c.AccepterVpcId] || '?') + ')'),
      views, el('td', {}, btn)));
  }
}

function renderAgents(st) {
  const sel = $('event-agent');
  const keep = sel.value;
  sel.replaceChildren(el('option', { value: '' }, '(choose an agent)'));
  for (const a of st.Agents) {
    const k = a.AccountId + '/' + a.Region;
    sel.append(el('option', { value: k }, k + ' · ' + a.Status));
  }
  sel.value = keep;
}

async function showTrace(pcx, st) {
  // The trace as the requester's account sees it (both sides' agents answer).
  const view = st.Views.find((v) => v.VpcPeeringConnections.some((p) => p.VpcPeeringConnectionId === pcx));
  if (!view) return;
  const q = new URLSearchParams({ pcx, account: view.AccountId, region: view.Region });
  const r = await fetch('api/trace?' + q);
  $('trace-section').hidden = false;
  $('trace-title').textContent = pcx + ' as ' + view.AccountId + ' sees it';
  $('trace').innerHTML = r.ok ? await r.text() : '<p>' + (await r.text()) + '</p>';
}

async function loadEvents() {
  const v = $('event-agent').value;
  const rows = $('event-rows');
  rows.replaceChildren();
  if (!v) return;
  const [account, region] = v.split('/');
  const r = await fetch('api/events?' + new URLSearchParams({ account, region }));
  if (!r.ok) return;
  const doc = await r.json();
  for (const e of doc.Events.slice(-40).reverse()) {
    rows.append(el('tr', {}, el('td', {}, e.Seq), el('td', {}, e.SimTime), el('td', {}, e.Kind),
      el('td', {}, e.ObjectId), el('td', {}, e.Action), el('td', {}, e.PeerAccount), el('td', {}, e.Detail)));
  }
}

async function loadAnalyses() {
  const r = await fetch('api/analyses');
  if (!r.ok) return;
  const doc = await r.json();
  const sel = $('analyses');
  const keep = sel.value;
  sel.replaceChildren(el('option', { value: '' }, '(choose an analysis)'));
  window.analyses = doc.Analyses;
  doc.Analyses.forEach((a, i) => sel.append(el('option', { value: String(i) },
    a.AccountId + ' ' + a.NetworkInsightsAnalysisId + ' (' + a.NetworkInsightsPathId + ')')));
  sel.value = keep;
}

function showVerdict() {
  const box = $('verdict');
  box.replaceChildren();
  const a = (window.analyses || [])[Number($('analyses').value)];
  if ($('analyses').value === '' || !a) return;
  const found = a.NetworkPathFound === true;
  box.append(el('p', {}, 'Path ' + a.NetworkInsightsPathId + ': ',
    el('span', { class: found ? 'verdict-yes' : 'verdict-no' }, found ? 'reachable' : 'not reachable')));
  const ul = el('ul', {});
  for (const x of a.Explanations || [])
    ul.append(el('li', {}, (x.ExplanationCode || '') + ' ' + JSON.stringify(x)));
  box.append(ul);
}

function render(st) {
  if (st.SimulatedTime) $('clock').textContent = 'simulated time ' + st.SimulatedTime;
  renderAccounts(st);
  renderPcx(st);
  renderAgents(st);
  // The picture follows the state; the query string defeats the cache.
  $('topology').src = 'api/topology.svg?t=' + Date.now();
  window.state = st;
}

async function start() {
  const r = await fetch('api/state');
  if (r.ok) render(await r.json());
  loadAnalyses();
  $('event-agent').onchange = loadEvents;
  $('analyses').onchange = showVerdict;
  const es = new EventSource('api/stream');
  es.onopen = () => { $('live').textContent = 'live'; $('live').className = 'badge on'; };
  es.onerror = () => { $('live').textContent = 'reconnecting…'; $('live').className = 'badge off'; };
  es.addEventListener('state', (ev) => { render(JSON.parse(ev.data)); loadEvents(); });
}

start();
