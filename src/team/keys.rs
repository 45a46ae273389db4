//! A member's keys and the team's roster. Each member has an age X25519 identity (records are encrypted to every
//! member's recipient) and an SSH Ed25519 key (every commit they make is signed with it, in git's SSH signature
//! format). Both are made on `team init` or `team join` and kept in the workspace's `team_binding` row, so an
//! encrypted workspace keeps them under its passphrase.
//!
//! The roster is the files `members/<device>.json` of the team repository: who may read the records (their age
//! recipients) and whose signatures count (their SSH keys). A laptop that asks to join adds
//! `requests/<device>.json` instead; a member admits it (`assay team members --admit`).

use age::secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use ssh_key::{HashAlg, LineEnding, PrivateKey, PublicKey};

/// The namespace git signs commits in (`gpg.format = ssh`).
const GIT_NAMESPACE: &str = "git";

/// This member's two keys.
pub struct Keys {
    pub age: age::x25519::Identity,
    pub ssh: PrivateKey,
}

impl Keys {
    /// New keys for a member.
    pub fn generate(member: &str) -> Result<Keys, String> {
        let mut ssh = PrivateKey::random(&mut ssh_key::rand_core::OsRng, ssh_key::Algorithm::Ed25519)
            .map_err(|e| format!("making an SSH key: {e}"))?;
        ssh.set_comment(member);
        Ok(Keys { age: age::x25519::Identity::generate(), ssh })
    }

    /// The keys as the binding keeps them (age identity, OpenSSH private key).
    pub fn read(age_identity: &str, ssh_key: &str) -> Result<Keys, String> {
        let age = age_identity.parse().map_err(|e| format!("the team identity kept here is damaged: {e}"))?;
        let ssh = PrivateKey::from_openssh(ssh_key).map_err(|e| format!("the SSH key kept here is damaged: {e}"))?;
        Ok(Keys { age, ssh })
    }

    pub fn age_secret(&self) -> String {
        self.age.to_string().expose_secret().to_string()
    }

    pub fn ssh_secret(&self) -> Result<String, String> {
        self.ssh.to_openssh(LineEnding::LF).map(|s| s.to_string()).map_err(|e| e.to_string())
    }

    pub fn recipient(&self) -> String {
        self.age.to_public().to_string()
    }

    /// The public SSH key, one line (`ssh-ed25519 AAAA… name`).
    pub fn ssh_public(&self) -> Result<String, String> {
        self.ssh.public_key().to_openssh().map_err(|e| e.to_string())
    }

    /// The armored SSH signature of `data`, as git writes it in a commit's `gpgsig` header.
    pub fn sign(&self, data: &[u8]) -> Result<String, String> {
        let sig = self.ssh.sign(GIT_NAMESPACE, HashAlg::Sha512, data).map_err(|e| format!("signing: {e}"))?;
        sig.to_pem(LineEnding::LF).map_err(|e| format!("signing: {e}"))
    }
}

/// Whether `armored` is a valid git signature of `data`; the signing key's fingerprint when it is.
pub fn check_signature(data: &[u8], armored: &str) -> Option<String> {
    let sig = ssh_key::SshSig::from_pem(armored).ok()?;
    let key = PublicKey::from(sig.public_key().clone());
    key.verify(GIT_NAMESPACE, data, &sig).ok()?;
    Some(key.fingerprint(HashAlg::Sha256).to_string())
}

/// The fingerprint (`SHA256:…`) of a public key given as one OpenSSH line.
pub fn fingerprint(openssh: &str) -> Option<String> {
    PublicKey::from_openssh(openssh).ok().map(|k| k.fingerprint(HashAlg::Sha256).to_string())
}

/// A member as `members/<device>.json` (or a request to join, `requests/<device>.json`) names them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// The laptop's id in the team.
    pub device: String,
    /// The member's name.
    pub name: String,
    /// Their age recipient (`age1…`): records are encrypted to it.
    pub age: String,
    /// Their SSH Ed25519 public key: commits signed with it count.
    pub ssh: String,
}

impl Member {
    pub fn of(device: &str, name: &str, keys: &Keys) -> Result<Member, String> {
        Ok(Member {
            device: device.to_string(),
            name: name.to_string(),
            age: keys.recipient(),
            ssh: keys.ssh_public()?,
        })
    }

    pub fn to_json(&self) -> Vec<u8> {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s.into_bytes()
    }

    pub fn parse(bytes: &[u8]) -> Result<Member, String> {
        let m: Member = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
        m.age.parse::<age::x25519::Recipient>().map_err(|e| format!("member {}: age key: {e}", m.name))?;
        fingerprint(&m.ssh).ok_or_else(|| format!("member {}: not an SSH public key", m.name))?;
        Ok(m)
    }
}

/// `data` encrypted with age to every recipient given (`age1…`).
pub fn encrypt(recipients: &[age::x25519::Recipient], data: &[u8]) -> Result<Vec<u8>, String> {
    use std::io::Write;
    let encryptor = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
        .map_err(|e| format!("encrypting: {e}"))?;
    let mut out = Vec::with_capacity(data.len() + 256);
    let mut w = encryptor.wrap_output(&mut out).map_err(|e| format!("encrypting: {e}"))?;
    w.write_all(data).map_err(|e| format!("encrypting: {e}"))?;
    w.finish().map_err(|e| format!("encrypting: {e}"))?;
    Ok(out)
}

/// `f` over every item, on as many threads as the machine has cores (each takes a run of items), in order. Age's
/// key agreement (one X25519 multiplication per member and file) is what the first push of a large register and
/// an admission spend their time on, and files are independent.
/// `what` names the step for the progress it reports (see [`super::progress`]).
pub fn par_map<T: Sync, U: Send>(
    what: &str,
    items: &[T],
    f: impl Fn(&T) -> Result<U, String> + Sync,
) -> Result<Vec<U>, String> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let done = std::sync::atomic::AtomicUsize::new(0);
    let total = items.len();
    let f = |item: &T| {
        let out = f(item);
        super::progress_at(what, done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, total);
        out
    };
    if threads <= 1 || items.len() < 64 {
        return items.iter().map(&f).collect();
    }
    let run = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let f = &f;
        let workers: Vec<_> = items
            .chunks(run)
            .map(|c| scope.spawn(move || c.iter().map(f).collect::<Result<Vec<U>, String>>()))
            .collect();
        let mut out = Vec::with_capacity(items.len());
        for w in workers {
            out.extend(w.join().map_err(|_| "a worker thread stopped".to_string())??);
        }
        Ok(out)
    })
}

/// The plaintext of an age file encrypted to this identity.
pub fn decrypt(identity: &age::x25519::Identity, data: &[u8]) -> Result<Vec<u8>, String> {
    age::decrypt(identity, data).map_err(|e| e.to_string())
}

/// The recipients of a roster.
pub fn recipients(members: &[Member]) -> Result<Vec<age::x25519::Recipient>, String> {
    members.iter().map(|m| m.age.parse().map_err(|e| format!("member {}: {e}", m.name))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_survive_being_kept_and_sign_what_they_are_given() {
        let keys = Keys::generate("Ana").expect("keys");
        let kept = Keys::read(&keys.age_secret(), &keys.ssh_secret().expect("ssh")).expect("read");
        assert_eq!(kept.recipient(), keys.recipient());
        let sig = kept.sign(b"tree 1234\n").expect("sign");
        let fp = check_signature(b"tree 1234\n", &sig).expect("valid");
        assert_eq!(Some(fp), fingerprint(&keys.ssh_public().expect("public")));
        assert_eq!(check_signature(b"tree 1235\n", &sig), None, "a changed commit fails");
    }

    #[test]
    fn work_spread_over_the_cores_comes_back_in_order_and_stops_at_an_error() {
        let items: Vec<u32> = (0..1000).collect();
        let doubled = par_map("doubling", &items, |i| Ok(i * 2)).expect("all");
        assert_eq!(doubled, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        let failed = par_map("failing", &items, |i| if *i == 777 { Err(format!("item {i}")) } else { Ok(*i) });
        assert_eq!(failed, Err("item 777".to_string()));
    }

    #[test]
    fn records_open_for_each_recipient_and_no_one_else() {
        let (a, b, c) =
            (Keys::generate("a").expect("a"), Keys::generate("b").expect("b"), Keys::generate("c").expect("c"));
        let to = vec![a.age.to_public(), b.age.to_public()];
        let sealed = encrypt(&to, b"{\"title\":\"x\"}").expect("encrypt");
        assert_eq!(decrypt(&a.age, &sealed).expect("a"), b"{\"title\":\"x\"}");
        assert_eq!(decrypt(&b.age, &sealed).expect("b"), b"{\"title\":\"x\"}");
        assert!(decrypt(&c.age, &sealed).is_err());
    }
}
