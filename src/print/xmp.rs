//! Edits to the XMP metadata packet Typst writes, kept consistent with the Info dictionary.

/// The XMP namespace of the PDF/X identification schema.
const PDFXID: &str = "http://www.npes.org/pdfx/ns/id/";

/// The PDF version of a PDF/X-4 file: ISO 15930-7 builds on PDF 1.6, and Acrobat's
/// preflight flags a higher header.
pub(crate) const PDFX4_VERSION: &str = "1.6";

/// Adds `pdfxid:GTS_PDFXVersion` = PDF/X-4, `pdf:Trapped` = False and
/// `xmpMM:VersionID` to the packet's description, calls the file the document's
/// `default` rendition (Typst writes `proof`) and gives it PDF version 1.6.
pub(crate) fn mark_pdfx(xmp: &str) -> Result<String, String> {
    let xmp = xmp
        .replace(
            "<xmpMM:RenditionClass>proof</xmpMM:RenditionClass>",
            "<xmpMM:RenditionClass>default</xmpMM:RenditionClass>",
        )
        .replace(
            "<pdf:PDFVersion>1.7</pdf:PDFVersion>",
            &format!("<pdf:PDFVersion>{PDFX4_VERSION}</pdf:PDFVersion>"),
        );
    let xmp = xmp.as_str();
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
    let mut out = String::with_capacity(xmp.len() + 256);
    out.push_str(&xmp[..open_end]);
    if !xmp[start..open_end].contains("xmlns:pdfxid") {
        out.push_str(&format!(" xmlns:pdfxid=\"{PDFXID}\""));
    }
    out.push_str(&xmp[open_end..close]);
    if !xmp.contains("<pdfxid:GTS_PDFXVersion>") {
        out.push_str("<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>");
    }
    if !xmp.contains("<pdf:Trapped>") {
        out.push_str("<pdf:Trapped>False</pdf:Trapped>");
    }
    if !xmp.contains("<xmpMM:VersionID>") {
        out.push_str("<xmpMM:VersionID>1</xmpMM:VersionID>");
    }
    out.push_str(&xmp[close..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_the_pdfx_version_once() {
        let xmp = r#"<x:xmpmeta><rdf:RDF><rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" ><xmpMM:RenditionClass>proof</xmpMM:RenditionClass><pdf:PDFVersion>1.7</pdf:PDFVersion></rdf:Description></rdf:RDF></x:xmpmeta>"#;
        let marked = mark_pdfx(xmp).unwrap();
        assert!(marked.contains(r#"xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/""#));
        assert!(marked.contains("<xmpMM:RenditionClass>default</xmpMM:RenditionClass><pdf:PDFVersion>1.6</pdf:PDFVersion>"));
        assert!(marked.contains("<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion><pdf:Trapped>False</pdf:Trapped><xmpMM:VersionID>1</xmpMM:VersionID></rdf:Description>"));
        assert_eq!(mark_pdfx(&marked).unwrap(), marked);
    }
}
