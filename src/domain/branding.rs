//! A municipality's or organisation's branding: the primary colour (checked
//! for contrast) and the logo (decoded, resized, re-encoded as PNG without
//! metadata). Pure: bytes in, bytes out, no I/O.

use std::io::Cursor;

use image::{ImageFormat, ImageReader, Limits};

/// The largest upload accepted, before decoding.
pub const MAX_LOGO_BYTES: usize = 2 * 1024 * 1024;
/// A logo is shown at most this large (it is scaled down to fit, never up).
const MAX_WIDTH: u32 = 480;
const MAX_HEIGHT: u32 = 240;
/// Text on the colour and the colour on white must both reach WCAG AA.
pub const MIN_CONTRAST: f64 = 4.5;

/// A logo as stored and served: a PNG with only the pixels.
#[derive(Debug, Clone)]
pub struct Logo {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Check and normalise an uploaded logo. Only PNG and JPEG are read (by their
/// first bytes, whatever the file name says): SVG can carry scripts and
/// links, so it is refused. The result is scaled to fit 480 × 240 and written
/// anew as PNG, which leaves EXIF, text chunks and colour profiles behind.
pub fn normalise_logo(bytes: &[u8]) -> Result<Logo, String> {
    if bytes.is_empty() {
        return Err(crate::t("logo-choose").into());
    }
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(crate::tr("logo-too-large")
            .arg("size", megabytes(bytes.len()))
            .to_string());
    }
    let format = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        ImageFormat::Png
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        ImageFormat::Jpeg
    } else if looks_like_svg(bytes) {
        return Err(crate::t("logo-no-svg").into());
    } else {
        return Err(crate::t("logo-not-an-image").into());
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(8000);
    limits.max_image_height = Some(8000);
    limits.max_alloc = Some(128 * 1024 * 1024);
    reader.limits(limits);
    let decoded = reader
        .decode()
        .map_err(|_| crate::t("logo-damaged").to_string())?;
    let fitted = if decoded.width() > MAX_WIDTH || decoded.height() > MAX_HEIGHT {
        decoded.resize(MAX_WIDTH, MAX_HEIGHT, image::imageops::FilterType::Lanczos3)
    } else {
        decoded
    };
    let rgba = fitted.to_rgba8();
    let (width, height) = rgba.dimensions();
    let mut png = Vec::new();
    rgba.write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
        .map_err(|_| crate::t("logo-not-stored").to_string())?;
    Ok(Logo { png, width, height })
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]).to_lowercase();
    head.contains("<svg") || head.trim_start().starts_with("<?xml")
}

fn megabytes(n: usize) -> String {
    format!("{:.1} MB", n as f64 / 1024.0 / 1024.0).replace('.', ",")
}

/// A colour as "#rrggbb".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colour(pub [u8; 3]);

impl Colour {
    /// "#0B5CAD", "0b5cad" or "#0b5cad".
    pub fn parse(raw: &str) -> Option<Colour> {
        let hex = raw.trim().trim_start_matches('#');
        if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Colour([byte(0)?, byte(2)?, byte(4)?]))
    }

    pub fn hex(&self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0[0], self.0[1], self.0[2])
    }

    /// WCAG relative luminance.
    pub fn luminance(&self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0[0]) + 0.7152 * channel(self.0[1]) + 0.0722 * channel(self.0[2])
    }

    /// WCAG contrast ratio against another colour, 1 to 21.
    pub fn contrast(&self, other: &Colour) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// The same hue, darker: for hover states and the header.
    pub fn darker(&self, factor: f64) -> Colour {
        let d = |c: u8| (f64::from(c) * factor).round().clamp(0.0, 255.0) as u8;
        Colour([d(self.0[0]), d(self.0[1]), d(self.0[2])])
    }
}

pub const WHITE: Colour = Colour([255, 255, 255]);

/// A primary colour the administrator may set: white text on it and it as
/// text on white must both reach 4.5:1. The message says what was measured.
pub fn check_primary_colour(raw: &str) -> Result<Colour, String> {
    let colour = Colour::parse(raw).ok_or_else(|| crate::t("colour-format").to_string())?;
    let ratio = colour.contrast(&WHITE);
    if ratio < MIN_CONTRAST {
        return Err(crate::tr("colour-contrast")
            .arg("ratio", crate::i18n::decimal(ratio, 1))
            .arg("minimum", crate::i18n::decimal(MIN_CONTRAST, 1))
            .to_string());
    }
    Ok(colour)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_is_measured_the_wcag_way() {
        assert!((Colour([0, 0, 0]).contrast(&WHITE) - 21.0).abs() < 0.01);
        assert!(check_primary_colour("#0b5cad").is_ok());
        assert!(check_primary_colour("#ffcc00")
            .unwrap_err()
            .contains("te weinig contrast"));
        assert!(check_primary_colour("rood").is_err());
        assert_eq!(Colour::parse("0B5CAD").unwrap().hex(), "#0b5cad");
    }

    #[test]
    fn an_svg_logo_is_refused_and_a_png_is_reencoded_smaller() {
        assert!(normalise_logo(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
            .unwrap_err()
            .contains("SVG"));
        let big = image::RgbImage::from_pixel(1000, 300, image::Rgb([10, 90, 170]));
        let mut png = Vec::new();
        big.write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        let logo = normalise_logo(&png).unwrap();
        assert_eq!((logo.width, logo.height), (480, 144));
        assert!(logo.png.starts_with(b"\x89PNG"));
    }
}
