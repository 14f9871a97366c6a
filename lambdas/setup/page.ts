/**
 * The setup page's HTML, as pure functions of what it shows. Every value is HTML-escaped; the one inline
 * script and style carry the response's CSP nonce, and nothing is loaded from anywhere else (no fonts, no
 * CDNs). The page holds no personal data: the company name, the tenant's values and counts only.
 */
import { PROFILE_FIELDS } from '../scim/profile/fields';
import type { ProfileFieldLevel } from '../scim/profile/fields';

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);

/** The suggested name of the Entra enterprise application (the setup guide's step 1). */
export const APPLICATION_NAME = 'Ten Thousand Coffees';

/** Where each profile field comes from in Entra, in plain words (docs: README "Attribute mapping in Entra"). */
const ENTRA_SOURCE: Readonly<Record<string, string>> = {
  firstName: 'givenName (mapped by default)',
  lastName: 'surname (mapped by default)',
  email: 'mail (mapped by default to the work email)',
  managementLevel: 'an extension attribute holding the level, e.g. Manager, Director, VP',
  jobTitle: 'jobTitle (mapped by default)',
  businessUnit: 'department, or companyName',
  jobFunction: 'an extension attribute holding the job function',
  peopleManager: 'an extension attribute holding yes or no',
  managerEmail: 'leave the default manager mapping: we derive it',
  location: 'city, country, physicalDeliveryOfficeName',
  locale: 'preferredLanguage (mapped by default): en-US, fr-CA, es-ES, ko or ja',
  status: 'the default Switch([IsSoftDeleted], ...) to active mapping',
};

const LEVEL_TEXT: Readonly<Record<ProfileFieldLevel, string>> = {
  required: 'Required',
  recommended: 'Recommended',
  optional: 'Optional',
};

export interface SetupPageView {
  readonly companyName: string;
  readonly tenantId: string;
  readonly tenantUrl: string;
  /** When this link's token was revealed; undefined while it can still be revealed. */
  readonly revealedAt?: string;
  readonly expiresAt: string;
  /** The status panel's refresh interval. */
  readonly refreshSeconds: number;
  readonly nonce: string;
}

const STYLE = `
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1b1b1b;background:#f6f7f9}
main{max-width:60rem;margin:0 auto;padding:1.5rem}
h1{font-size:1.6rem;margin:.5rem 0 1rem}h2{font-size:1.25rem;margin:2rem 0 .75rem}section>h2:first-child{margin-top:.25rem}
section{background:#fff;border:1px solid #d6d9de;border-radius:8px;padding:1rem 1.25rem;margin:1rem 0}
label{font-weight:600;display:block;margin:.5rem 0 .25rem}
.value{display:flex;gap:.5rem}.value input{flex:1;font:14px/1.6 ui-monospace,Consolas,monospace;padding:.4rem .5rem;border:1px solid #8a8f98;border-radius:4px}
button{font:inherit;padding:.5rem 1rem;border-radius:4px;border:1px solid #0b5cad;background:#0b5cad;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#0b5cad}button:disabled{opacity:.6;cursor:default}
.warning{background:#fff4ce;border-left:4px solid #8a6d00;padding:.5rem .75rem;margin:.5rem 0}
.refused{background:#fde7e9;border-left:4px solid #a4262c;padding:.5rem .75rem;margin:.5rem 0}
.note{color:#4a4f57;font-size:.9rem}
table{border-collapse:collapse;width:100%;font-size:.95rem}th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #d6d9de;vertical-align:top}
code{font:13px ui-monospace,Consolas,monospace;background:#eef0f3;padding:0 .2rem;border-radius:3px;overflow-wrap:anywhere}
.checks{list-style:none;padding:0;margin:0}.checks li{padding:.5rem 0;border-bottom:1px solid #eef0f3}.checks .note{margin-left:6.8rem}
.badge{display:inline-block;min-width:5.5rem;font-weight:600;border-radius:4px;padding:0 .4rem;margin-right:.5rem;text-align:center}
.ok{background:#dff6dd;color:#0e5c0b}.bad{background:#fde7e9;color:#8e1b21}.wait{background:#eef0f3;color:#3b3f45}
`;

/** The page's behaviour: copy buttons, the reveal POST, and the status panel's refresh. */
const SCRIPT = `
(function(){
var root=document.getElementById('setup');var code=location.pathname.split('/').pop();
var refreshMs=Number(root.getAttribute('data-refresh-seconds'))*1000;
var ISO=/\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?Z/g;
function readable(text){return String(text).replace(ISO,function(iso){var d=new Date(iso);return isNaN(d.getTime())?iso:
d.toLocaleString(undefined,{year:'numeric',month:'short',day:'numeric',hour:'numeric',minute:'2-digit',timeZoneName:'short'})})}
Array.prototype.forEach.call(document.querySelectorAll('time'),function(t){t.textContent=readable(t.getAttribute('datetime'))});
function post(path,done){var x=new XMLHttpRequest();x.open('POST',path);x.setRequestHeader('Content-Type','application/json');
x.onload=function(){var body={};try{body=JSON.parse(x.responseText)}catch(e){}done(x.status,body)};
x.onerror=function(){done(0,{})};x.send(JSON.stringify({code:code}))}
function copy(id,button){var field=document.getElementById(id);var text=field.value;
function copied(){button.textContent='Copied';setTimeout(function(){button.textContent='Copy'},2000)}
if(navigator.clipboard&&navigator.clipboard.writeText){navigator.clipboard.writeText(text).then(copied,function(){field.select();document.execCommand('copy');copied()})}
else{field.select();document.execCommand('copy');copied()}}
Array.prototype.forEach.call(document.querySelectorAll('[data-copy]'),function(button){
button.addEventListener('click',function(){copy(button.getAttribute('data-copy'),button)})});
var reveal=document.getElementById('reveal');
if(reveal){reveal.addEventListener('click',function(){reveal.disabled=true;
post('/setup/reveal',function(status,body){var out=document.getElementById('reveal-result');
if(status===200&&body.token){document.getElementById('token').value=body.token;
document.getElementById('token-box').hidden=false;reveal.hidden=true;document.getElementById('token').focus()}
else{out.textContent=readable(body.message||'The token could not be revealed. Reload the page and try again.');out.hidden=false;
if(status>=500||status===0)reveal.disabled=false;else reveal.hidden=true}})})}
function render(body){var list=document.getElementById('checks');list.textContent='';
(body.checks||[]).forEach(function(check){var li=document.createElement('li');var badge=document.createElement('span');
badge.className='badge '+(check.state==='ok'?'ok':check.state==='bad'?'bad':'wait');
badge.textContent=check.state==='ok'?'OK':check.state==='bad'?'Action':'Waiting';li.setAttribute('data-check',check.id);
li.setAttribute('data-state',check.state);var label=document.createElement('strong');label.textContent=check.label+': ';
var text=document.createElement('span');text.textContent=readable(check.text);li.appendChild(badge);li.appendChild(label);li.appendChild(text);
if(check.action){var act=document.createElement('div');act.className='note';act.textContent=check.action;li.appendChild(act)}
list.appendChild(li)});
var errors=document.getElementById('errors');errors.textContent='';var rows=body.errors||[];
document.getElementById('errors-none').hidden=rows.length>0;document.getElementById('errors-table').hidden=rows.length===0;
rows.forEach(function(e){var tr=document.createElement('tr');[e.at,String(e.status),e.scimType||'',e.attribute||'',e.request].forEach(function(v){
var td=document.createElement('td');td.textContent=readable(v);tr.appendChild(td)});errors.appendChild(tr)});
var checked=document.getElementById('checked-at');checked.setAttribute('datetime',body.checkedAt||'');
checked.textContent=readable(body.checkedAt||'')}
function refresh(){post('/setup/status',function(status,body){if(status===200)render(body);
else{var failed=document.getElementById('checked-at');failed.removeAttribute('datetime');
failed.textContent=status===404?'this link is no longer valid':'not available, retrying'}})}
refresh();setInterval(refresh,refreshMs)})();
`;

/** A time as ISO 8601 (UTC), which the page's script shows in the reader's own zone and language. */
const timeOf = (iso: string): string => `<time datetime="${escapeHtml(iso)}">${escapeHtml(iso)}</time>`;

const head = (title: string, nonce: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
  `<meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer">` +
  `<title>${escapeHtml(title)}</title><style nonce="${escapeHtml(nonce)}">${STYLE}</style></head>`;

const mappingRows = (): string =>
  PROFILE_FIELDS.map(
    ({ field, label, level, scimAttribute }) =>
      `<tr><td>${escapeHtml(label)}</td><td>${LEVEL_TEXT[level]}</td><td>${escapeHtml(ENTRA_SOURCE[field] ?? '')}</td>` +
      `<td><code>${escapeHtml(scimAttribute)}</code></td></tr>`,
  ).join('');

const revealSection = (view: SetupPageView): string =>
  view.revealedAt === undefined
    ? `<p>Reveal the token only when you are ready to paste it into Entra: it is shown once, on this page.</p>` +
      `<button type="button" id="reveal">Reveal Secret Token</button>` +
      `<p id="reveal-result" class="refused" role="alert" hidden></p>` +
      `<div id="token-box" hidden><label for="token">Secret Token</label>` +
      `<div class="value"><input id="token" readonly autocomplete="off" spellcheck="false">` +
      `<button type="button" class="secondary" data-copy="token">Copy</button></div>` +
      `<p class="warning" role="alert">This token is shown only now. Copy it into Entra's <strong>Secret Token</strong> ` +
      `field and do not keep it anywhere else. If you lose it, ask us for a new setup link.</p></div>`
    : `<p class="refused" role="alert">The Secret Token of this link was revealed on ${timeOf(view.revealedAt)}; ` +
      `it cannot be shown again. If you do not have it, ask us for a new link.</p>`;

export function renderSetupPage(view: SetupPageView): string {
  const tenantUrl = escapeHtml(view.tenantUrl);
  const company = escapeHtml(view.companyName);
  return (
    head(`Set up provisioning: ${view.companyName}`, view.nonce) +
    `<body><main id="setup" data-refresh-seconds="${view.refreshSeconds}">` +
    `<h1>Connect Microsoft Entra ID for ${company}</h1>` +
    `<p>This private page gives you the two values Entra needs and shows whether provisioning works. ` +
    `Do not forward the link: it is valid until ${timeOf(view.expiresAt)}.</p>` +
    `<section aria-labelledby="values-heading"><h2 id="values-heading">Your connection values</h2>` +
    `<label for="tenant-url">Tenant URL</label><div class="value">` +
    `<input id="tenant-url" readonly value="${tenantUrl}" spellcheck="false">` +
    `<button type="button" class="secondary" data-copy="tenant-url">Copy</button></div>` +
    `<h3>Secret Token</h3>${revealSection(view)}` +
    `<p class="note">Each setup link reveals one new token. Tokens revealed earlier keep working until we rotate ` +
    `or revoke them, so a new link never breaks a running connection.</p></section>` +
    `<section aria-labelledby="steps-heading"><h2 id="steps-heading">Steps in Microsoft Entra</h2><ol>` +
    `<li><strong>Create the application.</strong> Entra admin center &gt; Enterprise applications &gt; New application &gt; ` +
    `Create your own application. Name it, for example &quot;${escapeHtml(APPLICATION_NAME)}&quot;, choose ` +
    `&quot;Integrate any other application you don't find in the gallery (Non-gallery)&quot;, then Create.</li>` +
    `<li><strong>Enter the credentials.</strong> In the application: Provisioning &gt; Get started, Provisioning Mode ` +
    `Automatic. Paste <code>${tenantUrl}</code> into Tenant URL and the revealed token into Secret Token. ` +
    `Click Test Connection (the first line of the status below turns green), then Save.</li>` +
    `<li><strong>Map attributes.</strong> Expand Mappings and keep both user and group provisioning enabled. ` +
    `Change the externalId mapping's source from mailNickname to <code>objectId</code>, then add the profile ` +
    `fields in the table below.</li>` +
    `<li><strong>Assign people and groups.</strong> Users and groups &gt; Add user/group, select them, Assign. ` +
    `Set Scope to &quot;Sync only assigned users and groups&quot; and Provisioning Status to On, then Save.</li>` +
    `<li><strong>Test the connection.</strong> Entra's first cycle starts within minutes, later ones about every ` +
    `40 minutes. Watch the status below: it shows the users and groups that arrived, the fields that are ` +
    `missing, and any request we refused, with what to change.</li></ol></section>` +
    `<section aria-labelledby="map-heading"><h2 id="map-heading">Attribute mapping</h2>` +
    `<p>Start with the required fields, then add the recommended ones your directory has: each one improves ` +
    `matching. Custom targets (<code>urn:ietf:params:scim:schemas:extension:profile:2.0:User:…</code>) are ` +
    `added under Show advanced options &gt; Edit attribute list, as type String.</p>` +
    `<table><thead><tr><th scope="col">Field</th><th scope="col">Level</th><th scope="col">Entra source</th>` +
    `<th scope="col">Target attribute</th></tr></thead><tbody>${mappingRows()}</tbody></table></section>` +
    `<section aria-labelledby="status-heading" aria-live="polite"><h2 id="status-heading">Connection status</h2>` +
    `<p class="note">Refreshed every ${view.refreshSeconds} seconds; last checked <time id="checked-at">…</time></p>` +
    `<ul class="checks" id="checks"></ul><h3>Last refused requests</h3>` +
    `<p id="errors-none">None so far.</p><table id="errors-table" hidden><thead><tr><th scope="col">Time</th>` +
    `<th scope="col">Status</th><th scope="col">scimType</th><th scope="col">Attribute</th>` +
    `<th scope="col">Request</th></tr></thead><tbody id="errors"></tbody></table></section>` +
    `</main><script nonce="${escapeHtml(view.nonce)}">${SCRIPT}</script></body></html>`
  );
}

/** One page for every code that opens nothing: unknown, expired or revoked look the same. */
export function renderInvalidLinkPage(nonce: string): string {
  return (
    head('This link is no longer valid', nonce) +
    `<body><main><h1>This link is no longer valid</h1>` +
    `<p>Setup links expire, work until a newer link is sent, and can be withdrawn. ` +
    `Ask your contact for a new setup link.</p></main></body></html>`
  );
}
