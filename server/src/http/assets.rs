//! The built files the pages name, and how long a browser keeps them.
//!
//! The two front ends are built with hashed file names (`hash-files` in the workspace's `Cargo.toml`): a file's
//! address changes with its content, so a browser keeps it for good and a second visit asks for the page alone.
//! The DSFR's files (its style sheet, fonts and icons) and the icon of the site carry their content's digest in
//! a `?v=` query for the same reason (the fonts' and icons' addresses in the style sheet are written so by
//! `scripts/dsfr-assets.sh`, with the same digest). Anything else is checked on each use.

use std::path::{Path, PathBuf};

use app::front::{Assets, Bundle};
use leptos::WasmSplitManifest;
use leptos::prelude::ArcStoredValue;
use sha2::{Digest, Sha256};

/// The cache rule of a file whose address changes with its content.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Where the two builds put their files (`site-root` and `site-pkg-dir` of each project) and the name of the
/// file in which each writes its hashes, beside the server's executable (`hash-file-name`).
const PUBLIC_PKG: &str = "pkg";
/// The addresses under which both builds' files are served (the back office's folder is inside).
const PUBLIC_PKG_PREFIX: &str = "/pkg/";
const PUBLIC_HASHES: &str = "hash-public.txt";
pub const BACK_OFFICE_PKG: &str = "pkg/back-office";
const BACK_OFFICE_HASHES: &str = "hash-back-office.txt";
/// The output name of both builds.
const OUTPUT_NAME: &str = "geodae";

/// Reads the built files' names once, when the server starts. A build that is missing (the integration tests
/// run without one) leaves the plain names, which then answer 404.
pub fn load(site_root: &Path, back_office_root: &Path) -> Assets {
    let executable_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    let public = Hashes::read(&executable_dir.join(PUBLIC_HASHES));
    let back_office = Hashes::read(&executable_dir.join(BACK_OFFICE_HASHES));
    Assets {
        css: format!("/{PUBLIC_PKG}/{}", public.name("css")),
        public: bundle(site_root, PUBLIC_PKG, &public),
        back_office: bundle(back_office_root, BACK_OFFICE_PKG, &back_office),
        dsfr_css: versioned(site_root, "dsfr/css/dsfr.min.css"),
        font: versioned(site_root, "dsfr/fonts/Marianne-Regular.woff2"),
        favicon: versioned(site_root, "favicon.svg"),
    }
}

/// Whether a browser may keep the answer to `path?query` for good: a file of a build (its name holds its
/// hash), or one of the DSFR's files or the site's icon named with its digest. Never a page: `?v=` on a page's
/// address would otherwise have a browser keep that page, and the build it names, for a year.
pub fn immutable(path: &str, query: Option<&str>) -> bool {
    let hashed_name = path.starts_with(PUBLIC_PKG_PREFIX)
        && path
            .rsplit('/')
            .next()
            .is_some_and(|name| name.split('.').any(is_build_hash));
    let versioned = (path.starts_with("/dsfr/") || path == "/favicon.svg")
        && query.is_some_and(|q| q.split('&').any(|pair| pair.starts_with("v=")));
    hashed_name || versioned
}

/// cargo-leptos's hashes: an MD5 digest in unpadded base64url, 22 characters.
fn is_build_hash(part: &str) -> bool {
    part.len() == 22
        && part
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The hashes one build wrote (`js: …`, `wasm: …`, `css: …`, `manifest: …`, `split: …`).
struct Hashes(Vec<(String, String)>);

impl Hashes {
    fn read(path: &Path) -> Self {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        Self(
            text.lines()
                .filter_map(|line| line.split_once(':'))
                .map(|(kind, hash)| (kind.trim().to_string(), hash.trim().to_string()))
                .collect(),
        )
    }

    fn get(&self, kind: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, hash)| hash.as_str())
    }

    /// The name of the output file of this kind (`geodae.<hash>.js`).
    fn name(&self, kind: &str) -> String {
        match self.get(kind) {
            Some(hash) => format!("{OUTPUT_NAME}.{hash}.{kind}"),
            None => format!("{OUTPUT_NAME}.{kind}"),
        }
    }
}

fn bundle(root: &Path, pkg: &str, hashes: &Hashes) -> Bundle {
    let manifest_name = match hashes.get("manifest") {
        Some(hash) => format!("__wasm_split_manifest.{hash}.json"),
        None => "__wasm_split_manifest.json".to_string(),
    };
    let split_js = match hashes.get("split") {
        Some(hash) => format!("__wasm_split.{hash}.js"),
        None => "__wasm_split.______________________.js".to_string(),
    };
    let split = std::fs::read_to_string(root.join(pkg).join(manifest_name))
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .map(|preloads| {
            WasmSplitManifest(ArcStoredValue::new((format!("/{pkg}"), preloads, split_js)))
        });
    Bundle {
        js: format!("/{pkg}/{}", hashes.name("js")),
        wasm: format!("/{pkg}/{}", hashes.name("wasm")),
        split,
    }
}

/// `/path?v=<digest>`: the first 8 hexadecimal digits of the file's SHA-256, as `scripts/dsfr-assets.sh`
/// writes them. A missing file keeps its plain address.
fn versioned(root: &Path, path: &str) -> String {
    match std::fs::read(root.join(path)) {
        Ok(bytes) => format!("/{path}?v={}", &digest(&bytes)[..8]),
        Err(_) => format!("/{path}"),
    }
}

fn digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The back office's build beside the public one: `target/site` → `target/site-back-office`.
pub fn back_office_root(site_root: &Path) -> PathBuf {
    let name = site_root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    site_root.with_file_name(format!("{name}-back-office"))
}

#[cfg(test)]
mod tests {
    use leptos::prelude::ReadValue;

    use super::*;

    #[test]
    fn only_addresses_that_change_with_the_content_are_kept_for_good() {
        assert!(immutable("/pkg/geodae.AbCdEfGhIjKlMnOpQrStUv.wasm", None));
        assert!(immutable(
            "/pkg/back-office/geodae.AbCdEfGh-jKlMnOpQrSt_v.js",
            None
        ));
        assert!(immutable(
            "/dsfr/css/dsfr.min.css",
            Some("v=0123456789abcdef")
        ));
        assert!(!immutable("/pkg/geodae.css", None), "a plain name");
        assert!(!immutable("/pkg/geodae.short.css", None));
        assert!(!immutable("/dsfr/css/dsfr.min.css", None));
        assert!(!immutable("/favicon.svg", Some("x=1")));
        assert!(immutable("/favicon.svg", Some("v=0123abcd")));
        for page in [
            "/inscription",
            "/apropos",
            "/api/v1/health",
            "/pkg/../inscription",
        ] {
            assert!(!immutable(page, Some("v=1")), "{page}");
        }
        assert!(
            !immutable("/inscription/geodae.AbCdEfGhIjKlMnOpQrStUv.js", None),
            "outside the builds' folders"
        );
    }

    #[test]
    fn a_build_is_found_by_its_hashes_and_its_manifest() {
        let dir = tempfile::tempdir().expect("dir");
        let pkg = dir.path().join("pkg");
        std::fs::create_dir_all(&pkg).expect("pkg");
        std::fs::write(
            pkg.join("__wasm_split_manifest.MMMMMMMMMMMMMMMMMMMMMM.json"),
            r#"{"follow": ["split_1"]}"#,
        )
        .expect("manifest");
        let hashes = Hashes(vec![
            ("js".into(), "JJJJJJJJJJJJJJJJJJJJJJ".into()),
            ("wasm".into(), "WWWWWWWWWWWWWWWWWWWWWW".into()),
            ("manifest".into(), "MMMMMMMMMMMMMMMMMMMMMM".into()),
            ("split".into(), "SSSSSSSSSSSSSSSSSSSSSS".into()),
        ]);
        let built = bundle(dir.path(), "pkg", &hashes);
        assert_eq!(built.js, "/pkg/geodae.JJJJJJJJJJJJJJJJJJJJJJ.js");
        assert_eq!(built.wasm, "/pkg/geodae.WWWWWWWWWWWWWWWWWWWWWW.wasm");
        let split = built.split.expect("manifest read");
        let (root, preloads, loader) = &*split.0.read_value();
        assert_eq!(root, "/pkg");
        assert_eq!(preloads["follow"], vec!["split_1".to_string()]);
        assert_eq!(loader, "__wasm_split.SSSSSSSSSSSSSSSSSSSSSS.js");

        let unbuilt = bundle(dir.path(), "pkg/back-office", &Hashes(Vec::new()));
        assert_eq!(unbuilt.js, "/pkg/back-office/geodae.js");
        assert!(unbuilt.split.is_none());
    }

    #[test]
    fn the_back_office_build_sits_beside_the_public_one() {
        assert_eq!(
            back_office_root(Path::new("target/site")),
            PathBuf::from("target/site-back-office")
        );
    }
}
