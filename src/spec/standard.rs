//! The PDF/X standards a print PDF can be written to (`[print] standard`), and what
//! each asks of the file: its PDF version, its identification keys, whether it may
//! carry transparency and RGB.

use serde::Deserialize;

/// A PDF/X standard for the print formats.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Deserialize, schemars::JsonSchema)]
pub enum PdfxStandard {
    /// PDF/X-4 (ISO 15930-7): PDF 1.6, transparency and ICC-tagged RGB allowed.
    #[default]
    #[serde(rename = "PDF/X-4")]
    X4,
    /// PDF/X-3:2003 (ISO 15930-6): PDF 1.4, no transparency; ICC-tagged RGB allowed.
    #[serde(rename = "PDF/X-3")]
    X3,
    /// PDF/X-1a:2003 (ISO 15930-4): PDF 1.4, no transparency, CMYK and spot colours only.
    #[serde(rename = "PDF/X-1a")]
    X1a,
}

impl PdfxStandard {
    /// The name a user writes, e.g. `PDF/X-1a`.
    pub fn name(self) -> &'static str {
        match self {
            PdfxStandard::X4 => "PDF/X-4",
            PdfxStandard::X3 => "PDF/X-3",
            PdfxStandard::X1a => "PDF/X-1a",
        }
    }

    /// The PDF version the file declares.
    pub fn pdf_version(self) -> &'static str {
        match self {
            PdfxStandard::X4 => "1.6",
            PdfxStandard::X3 | PdfxStandard::X1a => "1.4",
        }
    }

    /// Whether the standard builds on PDF 1.4, which reads ICC profiles of version 2 only.
    pub fn is_pdf_1_4(self) -> bool {
        self.pdf_version() == "1.4"
    }

    /// The Info dictionary's `GTS_PDFXVersion`.
    pub fn version_key(self) -> &'static str {
        match self {
            PdfxStandard::X4 => "PDF/X-4",
            PdfxStandard::X3 => "PDF/X-3:2003",
            PdfxStandard::X1a => "PDF/X-1:2003",
        }
    }

    /// The Info dictionary's `GTS_PDFXConformance`, which PDF/X-4 does not have.
    pub fn conformance_key(self) -> Option<&'static str> {
        match self {
            PdfxStandard::X4 => None,
            PdfxStandard::X3 => Some("PDF/X-3:2003"),
            PdfxStandard::X1a => Some("PDF/X-1a:2003"),
        }
    }

    /// Whether the file may use transparency (soft masks, opacity, blend modes, groups).
    pub fn allows_transparency(self) -> bool {
        self == PdfxStandard::X4
    }

    /// Whether every colour must be CMYK, grey or a spot colour.
    pub fn cmyk_only(self) -> bool {
        self == PdfxStandard::X1a
    }
}

impl std::fmt::Display for PdfxStandard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_names_users_write() {
        #[derive(Deserialize)]
        struct T {
            standard: PdfxStandard,
        }
        let read =
            |s: &str| toml::from_str::<T>(&format!("standard = \"{s}\"")).map(|t| t.standard);
        assert_eq!(read("PDF/X-1a").unwrap(), PdfxStandard::X1a);
        assert_eq!(read("PDF/X-3").unwrap(), PdfxStandard::X3);
        assert_eq!(read("PDF/X-4").unwrap(), PdfxStandard::X4);
        assert!(read("PDF/X-5").is_err());
        for s in [PdfxStandard::X4, PdfxStandard::X3, PdfxStandard::X1a] {
            assert_eq!(read(s.name()).unwrap(), s);
        }
        assert_eq!(PdfxStandard::X1a.pdf_version(), "1.4");
        assert!(PdfxStandard::X1a.cmyk_only() && !PdfxStandard::X3.cmyk_only());
    }
}
