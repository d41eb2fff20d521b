//! Edits to the XMP metadata packet Typst writes, kept consistent with the Info dictionary.

use crate::spec::standard::PdfxStandard;

/// The XMP namespace of the PDF/X identification schema (PDF/X-4).
const PDFXID: &str = "http://www.npes.org/pdfx/ns/id/";

/// The XMP namespace in which PDF/X-1a and X-3 files name their standard (as Acrobat
/// writes them; ISO 15930-4 and -6 predate the identification schema).
const PDFX13: &str = "http://ns.adobe.com/pdfx/1.3/";

/// Marks the packet's description as `standard`: `GTS_PDFXVersion` (and for PDF/X-1a
/// and X-3 `GTS_PDFXConformance`), `pdf:Trapped` = False and `xmpMM:VersionID`; calls
/// the file the document's `default` rendition (Typst writes `proof`) and gives it the
/// standard's PDF version (PDF/X-4 builds on PDF 1.6, and Acrobat's preflight flags a
/// higher header).
pub(crate) fn mark_pdfx(xmp: &str, standard: PdfxStandard) -> Result<String, String> {
    let version = standard.pdf_version();
    let xmp = xmp
        .replace(
            "<xmpMM:RenditionClass>proof</xmpMM:RenditionClass>",
            "<xmpMM:RenditionClass>default</xmpMM:RenditionClass>",
        )
        .replace(
            "<pdf:PDFVersion>1.7</pdf:PDFVersion>",
            &format!("<pdf:PDFVersion>{version}</pdf:PDFVersion>"),
        );
    let (start, open_end, close) = description(&xmp)?;
    let (prefix, namespace) = match standard {
        PdfxStandard::X4 => ("pdfxid", PDFXID),
        _ => ("pdfx", PDFX13),
    };
    let mut out = String::with_capacity(xmp.len() + 256);
    out.push_str(&xmp[..open_end]);
    if !xmp[start..open_end].contains(&format!("xmlns:{prefix}=")) {
        out.push_str(&format!(" xmlns:{prefix}=\"{namespace}\""));
    }
    out.push_str(&xmp[open_end..close]);
    out.push_str(&missing_keys(&xmp, prefix, standard));
    out.push_str(&xmp[close..]);
    Ok(out)
}

/// The elements `mark_pdfx` adds that `xmp` does not have yet.
fn missing_keys(xmp: &str, prefix: &str, standard: PdfxStandard) -> String {
    let mut out = String::new();
    let mut keys = vec![("GTS_PDFXVersion", standard.version_key())];
    keys.extend(
        standard
            .conformance_key()
            .map(|c| ("GTS_PDFXConformance", c)),
    );
    for (key, value) in keys {
        if !xmp.contains(&format!("<{prefix}:{key}>")) {
            out.push_str(&format!("<{prefix}:{key}>{value}</{prefix}:{key}>"));
        }
    }
    if !xmp.contains("<pdf:Trapped>") {
        out.push_str("<pdf:Trapped>False</pdf:Trapped>");
    }
    if !xmp.contains("<xmpMM:VersionID>") {
        out.push_str("<xmpMM:VersionID>1</xmpMM:VersionID>");
    }
    out
}

/// Where the packet's `rdf:Description` starts, where its opening tag ends, and where
/// its closing tag starts.
fn description(xmp: &str) -> Result<(usize, usize, usize), String> {
    let start = xmp
        .find("<rdf:Description")
        .ok_or("the XMP has no rdf:Description")?;
    let open_end = start
        + xmp[start..]
            .find('>')
            .ok_or("the XMP description is not closed")?;
    let close = xmp
        .rfind("</rdf:Description>")
        .ok_or("the XMP description is not closed")?;
    Ok((start, open_end, close))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_the_pdfx_version_once() {
        let xmp = r#"<x:xmpmeta><rdf:RDF><rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" ><xmpMM:RenditionClass>proof</xmpMM:RenditionClass><pdf:PDFVersion>1.7</pdf:PDFVersion></rdf:Description></rdf:RDF></x:xmpmeta>"#;
        let marked = mark_pdfx(xmp, PdfxStandard::X4).unwrap();
        assert!(marked.contains(r#"xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/""#));
        assert!(marked.contains("<xmpMM:RenditionClass>default</xmpMM:RenditionClass><pdf:PDFVersion>1.6</pdf:PDFVersion>"));
        assert!(marked.contains("<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion><pdf:Trapped>False</pdf:Trapped><xmpMM:VersionID>1</xmpMM:VersionID></rdf:Description>"));
        assert_eq!(mark_pdfx(&marked, PdfxStandard::X4).unwrap(), marked);
    }

    #[test]
    fn names_pdfx_1a_in_the_pdfx_namespace() {
        let xmp = r#"<x:xmpmeta><rdf:RDF><rdf:Description rdf:about=""><pdf:PDFVersion>1.4</pdf:PDFVersion></rdf:Description></rdf:RDF></x:xmpmeta>"#;
        let marked = mark_pdfx(xmp, PdfxStandard::X1a).unwrap();
        assert!(marked.contains(r#"xmlns:pdfx="http://ns.adobe.com/pdfx/1.3/""#));
        assert!(marked.contains("<pdfx:GTS_PDFXVersion>PDF/X-1:2003</pdfx:GTS_PDFXVersion><pdfx:GTS_PDFXConformance>PDF/X-1a:2003</pdfx:GTS_PDFXConformance>"));
        assert!(marked.contains("<pdf:PDFVersion>1.4</pdf:PDFVersion>"));
        assert!(!marked.contains("pdfxid"));
        assert_eq!(mark_pdfx(&marked, PdfxStandard::X1a).unwrap(), marked);
    }
}
