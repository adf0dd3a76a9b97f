// A real OpenID provider (oidc-provider, a certified implementation) for adkar's sign-in tests.
//
// Started by tests/oidc_provider.py on a free loopback port:
//   node provider.js PORT ISSUER CLIENT_ID CLIENT_SECRET REDIRECT_URI POST_LOGOUT_REDIRECT_URI
// Sign-in needs no page: the authorisation request's login_hint names one of the static accounts below and
// the interaction finishes at once (a test drives the whole flow with an HTTP client following redirects).
// OIDC_CLOCK_OFFSET (seconds) runs the provider's clock behind or ahead, so its ID tokens arrive expired.
import Provider from 'oidc-provider';

const [port, issuer, clientId, clientSecret, redirectUri, postLogoutUri] = process.argv.slice(2);
const offset = Number(process.env.OIDC_CLOCK_OFFSET || 0) * 1000;
if (offset) {
  const realNow = Date.now;
  Date.now = () => realNow() + offset;
}

const ACCOUNTS = {
  'ada@corp.test': { name: 'Ada Admin', groups: ['adkar-admins', 'everyone'] },
  'pat@corp.test': { name: 'Pat Practitioner', groups: ['adkar-practitioners'] },
  'sam@corp.test': { name: 'Sam Sponsor', groups: ['adkar-sponsors', 'adkar-practitioners'] },
  'max@corp.test': { name: 'Max Marketing', groups: ['marketing'] },
  'nog@corp.test': { name: 'No Groups' },
};

const configuration = {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: [redirectUri],
      post_logout_redirect_uris: [postLogoutUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  scopes: ['openid', 'email', 'profile', 'groups'],
  // Groups in the ID token, as Entra ID and Okta send them when configured to.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
  ttl: offset ? { IdToken: 60 } : {},
  cookies: { keys: ['adkar-test-cookie-key'] },
  async findAccount(ctx, sub) {
    const account = ACCOUNTS[sub];
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        const claims = { sub, email: sub, email_verified: true, name: account.name };
        if (account.groups) claims.groups = account.groups;
        return claims;
      },
    };
  },
  // First-party test client: every scope asked for is granted without a consent page.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(ctx.oidc.requestParamScopes ? [...ctx.oidc.requestParamScopes].join(' ') : 'openid');
    await grant.save();
    return grant;
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
};

const provider = new Provider(issuer, configuration);

provider.use(async (ctx, next) => {
  if (!ctx.path.startsWith('/interaction/')) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const accountId = details.params.login_hint;
  if (!ACCOUNTS[accountId]) {
    ctx.status = 400;
    ctx.body = 'Send login_hint with one of the test accounts.';
    return undefined;
  }
  const returnTo = await provider.interactionResult(ctx.req, ctx.res, { login: { accountId } }, {
    mergeWithLastSubmission: false,
  });
  ctx.status = 303;
  ctx.redirect(returnTo);
  return undefined;
});

provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${port}`);
});
