/* Touchpoint web push, browser side: ask for permission, subscribe, hand the subscription to your backend.
 *
 * Usage (on your site, after a user gesture such as a "Notify me" click):
 *
 *   <script src="https://touchpoint.example.com/push/touchpoint-push.js"></script>
 *   <script>
 *     button.onclick = () => TouchpointPush.subscribe({
 *       apiBase: 'https://touchpoint.example.com',  // where GET /push/vapid-public-key is
 *       userId: currentUser.id,                     // your customer id (the journeys' userId)
 *       subscribeEndpoint: '/api/push-subscriptions', // YOUR backend (default shown)
 *       serviceWorkerUrl: '/touchpoint-sw.js',      // a copy of <apiBase>/push/sw.js on YOUR origin
 *     });
 *   </script>
 *
 * The Touchpoint API key must never reach the browser. Your backend receives
 * `{ userId, subscription, userAgent }` at subscribeEndpoint, checks that userId is the signed-in
 * user, and forwards the same body to POST <Touchpoint>/v1/push-subscriptions with
 * `Authorization: Bearer <API key>`. Resolves to the PushSubscription; rejects with a readable Error.
 */
(function (global) {
  'use strict';

  async function subscribe(options) {
    if (!options || !options.apiBase || !options.userId) throw new Error('TouchpointPush.subscribe needs { apiBase, userId }');
    if (!('serviceWorker' in navigator) || !('PushManager' in global)) throw new Error('This browser does not support web push.');
    const permission = await Notification.requestPermission();
    if (permission !== 'granted') throw new Error('Notifications were not allowed (permission: ' + permission + ').');

    const registration = await navigator.serviceWorker.register(options.serviceWorkerUrl || '/touchpoint-sw.js');
    await navigator.serviceWorker.ready;
    const keyResponse = await fetch(options.apiBase.replace(/\/$/, '') + '/push/vapid-public-key');
    if (!keyResponse.ok) throw new Error('Could not fetch the VAPID public key: HTTP ' + keyResponse.status);
    const { publicKey } = await keyResponse.json();

    const subscription =
      (await registration.pushManager.getSubscription()) ||
      (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: fromBase64Url(publicKey) }));

    const saved = await fetch(options.subscribeEndpoint || '/api/push-subscriptions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ userId: String(options.userId), subscription: subscription.toJSON(), userAgent: navigator.userAgent }),
    });
    if (!saved.ok) throw new Error('Your backend did not save the subscription: HTTP ' + saved.status);
    return subscription;
  }

  function fromBase64Url(text) {
    const base64 = (text + '==='.slice((text.length + 3) % 4)).replace(/-/g, '+').replace(/_/g, '/');
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  }

  global.TouchpointPush = { subscribe: subscribe };
})(typeof self !== 'undefined' ? self : this);
