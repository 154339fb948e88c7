// Link rewriting and open-pixel insertion (pure), and the privacy-proxy heuristic.
import { rewriteLinks } from '../../tracking/rewrite-links';
import { isPrivacyProxyOpen } from '../../tracking/privacy-proxy';
import { verifyClickToken, verifyOpenToken } from '../../tracking/tokens';

const target = { publicUrl: 'https://tp.example/', secret: 's3cret-s3cret', messageKey: 'journey/j/c1/run/step/1', customerId: 'c1', journeyId: 'j', stepId: 'step' };

describe('rewriteLinks', () => {
  it('routes every http(s) link through a signed click URL that holds the index of the original URL', () => {
    const html = '<a href="https://shop.example/a?x=1&amp;y=2">A</a> <a href=\'http://shop.example/b\'>B</a> <a href="https://shop.example/a?x=1&amp;y=2">A again</a>';
    const { html: out, links } = rewriteLinks(html, target);
    expect(links).toEqual(['https://shop.example/a?x=1&y=2', 'http://shop.example/b']);
    const hrefs = [...out.matchAll(/href=["']([^"']*)["']/g)].map((m) => m[1] ?? '');
    expect(hrefs).toHaveLength(3);
    const indexes = hrefs.map((href) => {
      expect(href.startsWith('https://tp.example/t/c/')).toBe(true);
      return verifyClickToken(target.secret, href.slice('https://tp.example/t/c/'.length))?.i;
    });
    expect(indexes).toEqual([0, 1, 0]);
    expect(out).not.toContain('shop.example');
  });

  it('leaves mailto:, tel:, anchors and relative links untouched', () => {
    const html = '<a href="mailto:help@shop.example">Mail</a><a href="#top">Top</a><a href="tel:+15550100">Call</a><a href="/local">Here</a>';
    const { html: out, links } = rewriteLinks(html, target);
    expect(links).toEqual([]);
    expect(out.startsWith(html)).toBe(true);
  });

  it('keeps our own links (unsubscribe) direct and never touches <link> stylesheets', () => {
    const html = '<link rel="stylesheet" href="https://cdn.example/mail.css"><a class="u" href="https://tp.example/u/tok">Unsubscribe</a>';
    const { html: out, links } = rewriteLinks(html, target);
    expect(links).toEqual([]);
    expect(out.startsWith(html)).toBe(true);
  });

  it('puts a signed 1x1 open pixel right before </body>', () => {
    const { html: out } = rewriteLinks('<html><body><p>Hi</p></body></html>', target);
    const match = /<p>Hi<\/p><img src="https:\/\/tp\.example\/t\/o\/([^"]+)\.gif" width="1" height="1" alt=""><\/body><\/html>$/.exec(out);
    expect(match).not.toBeNull();
    expect(verifyOpenToken(target.secret, match?.[1] ?? '')).toEqual({ k: target.messageKey, c: 'c1', j: 'j', s: 'step' });
  });

  it('decodes the entities Handlebars puts into URLs before storing them', () => {
    const { links } = rewriteLinks('<a href="https://shop.example/p?id&#x3D;7&amp;ref&#x3D;mail">P</a>', target);
    expect(links).toEqual(['https://shop.example/p?id=7&ref=mail']);
  });
});

describe('isPrivacyProxyOpen', () => {
  it("flags Gmail's image proxy, Apple Mail Privacy Protection and Apple's network, not a mail client", () => {
    expect(isPrivacyProxyOpen({ userAgent: 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)', ip: '66.249.84.1' })).toBe(true);
    expect(isPrivacyProxyOpen({ userAgent: 'Mozilla/5.0', ip: '104.28.1.2' })).toBe(true);
    expect(isPrivacyProxyOpen({ userAgent: undefined, ip: '::ffff:17.58.1.9' })).toBe(true);
    expect(isPrivacyProxyOpen({ userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)', ip: '203.0.113.5' })).toBe(false);
  });
});
