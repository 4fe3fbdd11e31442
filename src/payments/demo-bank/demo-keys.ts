/**
 * THE DEMO BANK'S RSA KEY PAIR: PUBLIC DEMO KEYS, published in this repository on purpose. Anyone can
 * sign with the private key below, so it proves nothing: it is never valid in production. The demo bank
 * (src/payments/demo-bank/) signs its SNAP access-token requests with it, and an office whose adapter is
 * 'demo' trusts the public key (payment_settings.snap_bank_public_key, written by ensureDefaultSettings).
 * The demo bank refuses to run when NODE_ENV=production, and the settings service refuses this public key
 * for an office on the snap adapter in production.
 *
 * Generated once with node:crypto: generateKeyPairSync('rsa', { modulusLength: 2048 }), SPKI and PKCS#8 PEM.
 */

/** PUBLIC DEMO KEY (SPKI PEM): the demo bank's public key. Never a real bank's. */
export const DEMO_BANK_PUBLIC_KEY_PEM = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA1z3OshTow7oJDYJtBa9O
tfHfr2CbNLu8S5WakO7PfYHDpylmyWmCLEGEJgrD8hZq2KH/+fLmefYkrrfEz98v
aqb4VbIH/0yG6IK82T/po7mv2W3S6iMTbyYM1dza5YGbouLyJ+Qcbz7I6v5TVSIn
AjDz93d5UptzxPyPFKfuDsRSjqTVvSjZkka/CjgLXOo/+W74mI21vKbjXR+qRkcv
HiNRFReIaxZvcu4lDXAFDaNJANEc13dHjHGBkkUjPZxFx4C2B1OvpDc2Cjr/+utD
eXzWfAk8Hvg0NUYZymqbtuUp/s71oFu4F1vRYdlLZPbZ57Bnk3phVc7QaMx0okSm
wwIDAQAB
-----END PUBLIC KEY-----
`;

/** PUBLIC DEMO KEY (PKCS#8 PEM): the demo bank's private key, public knowledge. Never use it for anything real. */
export const DEMO_BANK_PRIVATE_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDXPc6yFOjDugkN
gm0Fr0618d+vYJs0u7xLlZqQ7s99gcOnKWbJaYIsQYQmCsPyFmrYof/58uZ59iSu
t8TP3y9qpvhVsgf/TIbogrzZP+mjua/ZbdLqIxNvJgzV3NrlgZui4vIn5BxvPsjq
/lNVIicCMPP3d3lSm3PE/I8Up+4OxFKOpNW9KNmSRr8KOAtc6j/5bviYjbW8puNd
H6pGRy8eI1EVF4hrFm9y7iUNcAUNo0kA0RzXd0eMcYGSRSM9nEXHgLYHU6+kNzYK
Ov/660N5fNZ8CTwe+DQ1RhnKapu25Sn+zvWgW7gXW9Fh2Utk9tnnsGeTemFVztBo
zHSiRKbDAgMBAAECggEAUw+YdJNqEaH4fVygCsoQg1kAG5MZwdtSug5U8+ocaxAI
+ziYYFBVehOcVfvgissI12mIuSF5vIX2uO/UxO0ZRLyDZ7qIqIYVJ6PQEbw+wr5U
9ICTnGQFy2YxHNSaKmf+MfkHPsqiCHH/oeOcL+W6jPdsJkrWKEEyB0n5Qxzc2phG
IZsFeQNDnfw7HbUsq+qb0bP3MoewwFx7mVLLbpREFj0OoTJANGNGxPRZ7mobrxri
2CY0T8FLpv6t+Qg5zP5GR4pBtl7pHgEAhpkLrY0juNjplPqwL7XzD5v6CMVr1x4U
t8jFOj5R1EA/l+8eo8X8yBj/si+x5WJMSl1SwSvTMQKBgQDrJchrAVclHKfP6Bth
h5mdhOgP94rwByyaIGouiAz8D8J7FX6d7eQVbvL9ejZA2Y95Mu08UhDQsTZxVhH1
OTKkFkg6R7eKB/sv5w8jN5iGwM5Zpkapqv+/X5uCek14UWhHXfCvZSuF6JHlFQZB
o0apqsxhEcgih+HBpBSxscfp8QKBgQDqVB+vNMYsmXShtTKCO80ctcnDUWJgFGcp
Bk6pqNJSaQHsvvO0X5gPR5o2tyotTUqhRsGDD8Ra914Y6GuIYKMIaTWtS9WBZ+u6
WFahtUKPEdKtBMQAsmTUMSBxyB7AbKujG1V+3u60GQPGJaIoCezgaCfu+GCP3RUR
1sPOT9wH8wKBgEWalnuOFwSGOeohs1EoOUFWIPbw+DBaf0pUA/ooDWfjJlcWorcO
vq/VepmrPjnt7Dkc6Pos9ItBmXLs3j3vI11Mty6BIgP6ntCsHV/4Se7BTZNd05bP
Zgp4u2hg2WOe/TX6yY6xbLOjhuP/WC2/rd/1DbBB+jK2dA3EiteaXymRAoGACkTV
fqAZbyrqaYu/QuXL/04YIW8XmI5MVwfnupejX+kqJG3Z0DXAPCsvHua3+nRAqQCo
yk2OlU3x2bWVwMw7WMsDhyyjlqAvPGNSqJOA7zQgv2ROEpm+wW3FtjbG4jfg7azs
+jpay5mtCKntiUOmFc96sIZB9QwDOFzpB8mIIvECgYEAsFkhKuzX20k4O5lO5/uW
48odvjTn9YxB4BFK1OXefdw2+hb/Rvmno7DWB6T7iyZgp4PokyJkr1VDNYOQV3xc
j+0B496k3K5L2Rk/syweKf7Z4T4ORNYbgLXfjsGQzssPieD4B5krhclCJLJKQK7R
EVWE+TFmN3Wi60JN9GqEb6E=
-----END PRIVATE KEY-----
`;

/** The SNAP client id (X-CLIENT-KEY / X-PARTNER-ID) the demo bank uses with every office. */
export const DEMO_BANK_CLIENT_ID = 'izol-demo-bank';
