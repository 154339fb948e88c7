/* Touchpoint web push service worker: shows the notifications Touchpoint sends and reports clicks.
 *
 * A service worker must be served from YOUR site's origin (browsers refuse a cross-origin one):
 * copy this file to your site (e.g. /touchpoint-sw.js), or proxy GET <Touchpoint>/push/sw.js from
 * your origin. It only talks to the URLs inside each message, so it needs no configuration.
 *
 * Payload (JSON): { title, body, icon, url, tag, click: { token, report } | null }
 */
'use strict';

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  let message = {};
  try {
    message = event.data ? event.data.json() : {};
  } catch (_) {
    message = { title: event.data ? event.data.text() : '' };
  }
  const options = {
    body: message.body || '',
    // The same tag replaces a notification already shown, so a repeated delivery is seen once.
    tag: message.tag || undefined,
    data: { url: message.url || null, click: message.click || null },
  };
  if (message.icon) options.icon = message.icon;
  event.waitUntil(self.registration.showNotification(message.title || 'Notification', options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  const work = [];
  const url = safeUrl(data.url);
  if (url) work.push(self.clients.openWindow(url));
  if (data.click && data.click.token && data.click.report) {
    // text/plain keeps this a "simple" cross-origin request (no CORS preflight); Touchpoint reads it as JSON.
    work.push(
      fetch(data.click.report, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ token: data.click.token }),
        keepalive: true,
      }).catch(() => undefined),
    );
  }
  event.waitUntil(Promise.all(work));
});

/** Only http(s) URLs are opened, resolved against this worker's location when relative. */
function safeUrl(value) {
  if (!value) return null;
  try {
    const url = new URL(value, self.location.href);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch (_) {
    return null;
  }
}
