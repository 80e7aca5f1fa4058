//! Server-side SRP for two-step verification (`account.getPassword` / `auth.checkPassword`).
//!
//! Clients pick their own secret `a`, so the server verifies the proof for real instead of
//! trusting any shortcut: it stores only the verifier `v = g^x mod p` (never the password),
//! issues `B = k·v + g^b` per challenge, and checks the client's `M1` against its own `K`.
//! See <https://core.telegram.org/api/srp>.

use hmac::Hmac;
use num_bigint::BigUint;
use sha2::{Digest, Sha256, Sha512};

/// Telegram's 2048-bit safe prime (with g = 3), the one its servers send.
const P_HEX: &str = "c71caeb9c6b1c9048e6c522f70f13f73980d40238e3e21c14934d037563d930f\
48198a0aa7c14058229493d22530f4dbfa336f6e0ac925139543aed44cce7c37\
20fd51f69458705ac68cd4fe6b6b13abdc9746512969328454f18faf8c595f64\
2477fe96bb2a941d5bcd1d4ac8cc49880708fa9b378e3c4f3a9060bee67cf9a4\
a4a695811051907e162753b56b0f6b410dba74d8a84b2a14b3144e0ef1284754\
fd17ed950d5965b4b9dd46582db1178d169c6bc465b0d6ff9ca3928fef5b9ae4\
e418fc15e83ebea0f87fa9ff5eed70050ded2849f47bf959d956850ce929851f\
0d8115f635b105ee2e4e15d04b2454bf6f4fadf034b10403119cd8e3b92fcc5b";

/// The generator used with [`p`].
pub const G: i32 = 3;

/// The prime as 256 big-endian bytes.
pub fn p() -> Vec<u8> {
    (0..P_HEX.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&P_HEX[i..i + 2], 16).expect("P_HEX is valid hex"))
        .collect()
}

fn h(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(&hasher.finalize());
    out
}

fn pad256(n: &BigUint) -> [u8; 256] {
    let bytes = n.to_bytes_be();
    let mut out = [0u8; 256];
    out[256 - bytes.len()..].copy_from_slice(&bytes);
    out
}

/// What the server stores for an account with a password: salts and the verifier.
#[derive(Clone)]
pub struct Verifier {
    /// Client salt (`salt1`), as sent in `current_algo`.
    pub salt1: Vec<u8>,
    /// Server salt (`salt2`).
    pub salt2: Vec<u8>,
    v: BigUint,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Verifier { .. }")
    }
}

impl Verifier {
    /// Derives the verifier from a password (100 000 PBKDF2 rounds: call it off the runtime).
    pub fn new(password: &str) -> Self {
        let mut salt1 = vec![0u8; 40];
        let mut salt2 = vec![0u8; 16];
        crate::random::fill(&mut salt1);
        crate::random::fill(&mut salt2);
        let x = password_hash(password.as_bytes(), &salt1, &salt2);
        let p = BigUint::from_bytes_be(&p());
        let v = BigUint::from(G as u32).modpow(&BigUint::from_bytes_be(&x), &p);
        Self { salt1, salt2, v }
    }

    /// Starts a challenge: a fresh server secret `b` and the public `B` sent as `srp_B`.
    pub fn challenge(&self) -> Challenge {
        let p = BigUint::from_bytes_be(&p());
        let g = BigUint::from(G as u32);
        let mut b = [0u8; 256];
        crate::random::fill(&mut b);
        let b = BigUint::from_bytes_be(&b);
        let k = BigUint::from_bytes_be(&h(&[&p.to_bytes_be(), &pad256(&g)]));
        let g_b = (k * &self.v + g.modpow(&b, &p)) % &p;
        Challenge {
            srp_id: crate::random::i64(),
            b,
            g_b: pad256(&g_b),
        }
    }

    /// Checks the client's `A` and `M1` against a challenge.
    pub fn verify(&self, challenge: &Challenge, a: &[u8], m1: &[u8]) -> bool {
        let p_bytes = p();
        let p = BigUint::from_bytes_be(&p_bytes);
        let g = BigUint::from(G as u32);
        let big_a = BigUint::from_bytes_be(a);
        if big_a == BigUint::ZERO || big_a >= p || a.len() > 256 {
            return false;
        }
        let a_pad = pad256(&big_a);
        let u = BigUint::from_bytes_be(&h(&[&a_pad, &challenge.g_b]));
        let s = (&big_a * self.v.modpow(&u, &p)).modpow(&challenge.b, &p);
        let k = h(&[&pad256(&s)]);
        let h_p = h(&[&p_bytes]);
        let h_g = h(&[&pad256(&g)]);
        let xor: Vec<u8> = h_p.iter().zip(h_g.iter()).map(|(x, y)| x ^ y).collect();
        let expected = h(&[
            &xor,
            &h(&[&self.salt1]),
            &h(&[&self.salt2]),
            &a_pad,
            &challenge.g_b,
            &k,
        ]);
        expected.as_slice() == m1
    }
}

/// One `account.getPassword` answer's server secret.
#[derive(Clone)]
pub struct Challenge {
    /// The id the client echoes in `inputCheckPasswordSRP`.
    pub srp_id: i64,
    b: BigUint,
    /// `B`, padded to 256 bytes.
    pub g_b: [u8; 256],
}

impl std::fmt::Debug for Challenge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Challenge")
            .field("srp_id", &self.srp_id)
            .finish_non_exhaustive()
    }
}

/// `PH2(password, salt1, salt2)` from the SRP spec.
fn password_hash(password: &[u8], salt1: &[u8], salt2: &[u8]) -> [u8; 32] {
    let sh = |data: &[u8], salt: &[u8]| h(&[salt, data, salt]);
    let ph1 = sh(&sh(password, salt1), salt2);
    let mut dk = [0u8; 64];
    pbkdf2::pbkdf2::<Hmac<Sha512>>(&ph1, salt1, 100_000, &mut dk)
        .expect("64 bytes is a valid PBKDF2 output length");
    sh(&dk, salt2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prime_passes_client_checks() {
        assert!(grammers_crypto::two_factor_auth::check_p_and_g(&p(), &G));
    }

    #[test]
    fn grammers_proof_verifies_and_wrong_password_does_not() {
        let verifier = Verifier::new("hunter2");
        let challenge = verifier.challenge();
        let mut secret = vec![0u8; 256];
        crate::random::fill(&mut secret);
        let prove = |pw: &str| {
            grammers_crypto::two_factor_auth::calculate_2fa(
                &verifier.salt1,
                &verifier.salt2,
                &p(),
                &G,
                challenge.g_b.to_vec(),
                secret.clone(),
                pw,
            )
        };
        let (m1, g_a) = prove("hunter2");
        assert!(verifier.verify(&challenge, &g_a, &m1));
        let (m1, g_a) = prove("hunter3");
        assert!(!verifier.verify(&challenge, &g_a, &m1));
    }
}
