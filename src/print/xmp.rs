//! Edits to the XMP metadata packet Typst writes, kept consistent with the Info dictionary.

/// The XMP namespace of the PDF/X identification schema.
const PDFXID: &str = "http://www.npes.org/pdfx/ns/id/";

/// Adds `pdfxid:GTS_PDFXVersion` = PDF/X-4 and `pdf:Trapped` = False to the packet's description.
pub fn mark_pdfx(xmp: &str) -> Result<String, String> {
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
    out.push_str(&xmp[close..]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_the_pdfx_version_once() {
        let xmp = r#"<x:xmpmeta><rdf:RDF><rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" ><pdf:PDFVersion>1.7</pdf:PDFVersion></rdf:Description></rdf:RDF></x:xmpmeta>"#;
        let marked = mark_pdfx(xmp).unwrap();
        assert!(marked.contains(r#"xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/""#));
        assert!(marked.contains("<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion><pdf:Trapped>False</pdf:Trapped></rdf:Description>"));
        assert_eq!(mark_pdfx(&marked).unwrap(), marked);
    }
}
