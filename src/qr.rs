//! QR codes for the workshop edition's feedback link: encoded here, drawn by the
//! templates as a grid of modules.

/// A QR code of `text` as rows of `0`/`1`, without the quiet zone; `None` when the
/// text is too long for a QR code.
pub(crate) fn qr_rows(text: &str) -> Option<Vec<String>> {
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let rows = colors
        .chunks(width)
        .map(|row| {
            row.iter()
                .map(|c| if *c == qrcode::Color::Dark { '1' } else { '0' })
                .collect()
        })
        .collect();
    Some(rows)
}
