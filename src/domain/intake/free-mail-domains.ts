/**
 * Common free / consumer mailbox domains. An address at one of these says nothing about the
 * prospect's employer: account matching (R8) ignores them, scoring (R10) may deduct points.
 * Data, not logic: extend freely (lower case, no leading "@").
 */
export const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  // Google, Microsoft, Apple, Yahoo, AOL
  'gmail.com', 'googlemail.com',
  'outlook.com', 'hotmail.com', 'hotmail.co.uk', 'hotmail.fr', 'hotmail.de', 'hotmail.it', 'hotmail.es', 'live.com', 'live.co.uk',
  'live.fr', 'msn.com', 'passport.com', 'windowslive.com', 'outlook.de', 'outlook.fr',
  'icloud.com', 'me.com', 'mac.com',
  'yahoo.com', 'yahoo.co.uk', 'yahoo.fr', 'yahoo.de', 'yahoo.es', 'yahoo.it', 'yahoo.ca', 'yahoo.com.au', 'yahoo.co.in',
  'yahoo.co.jp', 'ymail.com', 'rocketmail.com', 'aol.com', 'aim.com',
  // privacy-focused and independent providers
  'protonmail.com', 'proton.me', 'pm.me', 'protonmail.ch', 'tutanota.com', 'tuta.io', 'tutamail.com', 'fastmail.com',
  'fastmail.fm', 'hushmail.com', 'mailfence.com', 'posteo.de', 'mailbox.org', 'zoho.com', 'zohomail.com', 'gmx.com',
  'gmx.net', 'gmx.de', 'gmx.at', 'gmx.ch', 'mail.com', 'email.com', 'usa.com', 'inbox.com', 'hey.com', 'duck.com',
  // national consumer providers
  'web.de', 't-online.de', 'freenet.de', 'arcor.de', 'orange.fr', 'wanadoo.fr', 'free.fr', 'laposte.net', 'sfr.fr',
  'libero.it', 'virgilio.it', 'tiscali.it', 'alice.it', 'btinternet.com', 'sky.com', 'virginmedia.com', 'talktalk.net',
  'ntlworld.com', 'blueyonder.co.uk', 'comcast.net', 'verizon.net', 'att.net', 'sbcglobal.net', 'bellsouth.net', 'cox.net',
  'charter.net', 'earthlink.net', 'optonline.net', 'shaw.ca', 'rogers.com', 'sympatico.ca', 'bigpond.com', 'optusnet.com.au',
  'xtra.co.nz', 'mail.ru', 'inbox.ru', 'list.ru', 'bk.ru', 'yandex.ru', 'yandex.com', 'ya.ru', 'rambler.ru', 'qq.com',
  '163.com', '126.com', 'sina.com', 'sohu.com', 'yeah.net', 'naver.com', 'daum.net', 'hanmail.net', 'rediffmail.com',
  'seznam.cz', 'wp.pl', 'o2.pl', 'onet.pl', 'interia.pl', 'bol.com.br', 'uol.com.br', 'terra.com.br', 'ig.com.br',
  // disposable
  'mailinator.com', 'guerrillamail.com', 'sharklasers.com', '10minutemail.com', 'temp-mail.org', 'yopmail.com',
  'trashmail.com', 'getnada.com', 'dispostable.com', 'maildrop.cc',
]);

export const isFreeMailDomain = (domain: string): boolean => FREE_MAIL_DOMAINS.has(domain.toLowerCase());
