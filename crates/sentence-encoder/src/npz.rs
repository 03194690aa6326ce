//! Reading arrays from a NumPy `.npz` archive (a zip of `.npy` files), held
//! in memory: only what the encoder's weights use (little-endian f32, u8
//! and f64, C order).

use std::collections::HashMap;
use std::io::{Cursor, Read};

use crate::Error;

/// One array: its shape and its raw little-endian bytes.
pub struct Array {
    pub shape: Vec<usize>,
    pub descr: String,
    pub data: Vec<u8>,
}

impl Array {
    pub fn f32(&self) -> Result<Vec<f32>, Error> {
        if self.descr != "<f4" {
            return Err(Error::Format("expected float32"));
        }
        Ok(self
            .data
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    pub fn f64_scalar(&self) -> Result<f64, Error> {
        match (self.descr.as_str(), self.data.get(..8)) {
            ("<f8", Some(b)) => Ok(f64::from_le_bytes(
                b.try_into().map_err(|_| Error::Format("f64"))?,
            )),
            _ => Err(Error::Format("expected a float64 scalar")),
        }
    }
}

/// Every array of the archive by name (without `.npy`).
pub fn read(bytes: &[u8]) -> Result<HashMap<String, Array>, Error> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| Error::Format("not a zip archive"))?;
    let mut out = HashMap::new();
    for i in 0..zip.len() {
        let mut file = zip
            .by_index(i)
            .map_err(|_| Error::Format("bad zip entry"))?;
        let name = file
            .name()
            .map_err(|_| Error::Format("bad zip entry name"))?
            .trim_end_matches(".npy")
            .to_string();
        let mut buf = Vec::with_capacity(usize::try_from(file.size()).unwrap_or(0));
        file.read_to_end(&mut buf)
            .map_err(|_| Error::Format("bad zip entry"))?;
        out.insert(name, parse_npy(buf)?);
    }
    Ok(out)
}

fn parse_npy(mut buf: Vec<u8>) -> Result<Array, Error> {
    let bad = || Error::Format("bad .npy header");
    if buf.get(..6) != Some(b"\x93NUMPY") {
        return Err(bad());
    }
    let major = *buf.get(6).ok_or_else(bad)?;
    let (len, start) = if major == 1 {
        {
            let b = buf.get(8..10).ok_or_else(bad)?;
            (usize::from(u16::from_le_bytes([b[0], b[1]])), 10)
        }
    } else {
        let b = buf.get(8..12).ok_or_else(bad)?;
        (u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize, 12)
    };
    let header =
        std::str::from_utf8(buf.get(start..start + len).ok_or_else(bad)?).map_err(|_| bad())?;
    let value = |key: &str| -> Option<&str> {
        let at = header.find(&format!("'{key}':"))? + key.len() + 3;
        Some(header[at..].trim_start())
    };
    let descr = value("descr")
        .and_then(|v| v.strip_prefix('\''))
        .and_then(|v| v.split('\'').next())
        .ok_or_else(bad)?
        .to_string();
    if !value("fortran_order").is_some_and(|v| v.starts_with("False")) {
        return Err(Error::Format("Fortran-order array"));
    }
    let shape_text = value("shape")
        .and_then(|v| v.strip_prefix('('))
        .and_then(|v| v.split(')').next())
        .ok_or_else(bad)?;
    let shape = shape_text
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<usize>().map_err(|_| bad()))
        .collect::<Result<Vec<_>, _>>()?;
    let descr = descr.replace('|', "<");
    let width = match descr.as_str() {
        "<f4" => 4,
        "<f8" => 8,
        "<u1" | "<i1" => 1,
        _ => return Err(Error::Format("unsupported dtype")),
    };
    let data = buf.split_off(start + len);
    if data.len() != shape.iter().product::<usize>() * width {
        return Err(Error::Format("array size does not match its shape"));
    }
    Ok(Array { shape, descr, data })
}
