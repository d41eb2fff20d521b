//! What the thumbnails and the print resampling share: a small cache of images made
//! from other images, and how much a frame's transform scales what it draws.

use std::sync::Mutex;

use typst::layout::Transform;
use typst::visualize::Image;

/// An image made from another at a size in pixels: the original's hash, the size, the result.
type Entry = (u128, (u32, u32), Image);

/// Images made recently from others, by the original and the size. A batch works a
/// persona at a time, each worker with its own, and a persona's formats draw its
/// photo at a few sizes: a few entries are enough.
pub(crate) struct ImageCache {
    entries: Mutex<Vec<Entry>>,
    capacity: usize,
}

impl ImageCache {
    /// A cache that keeps the `capacity` most recent images.
    pub(crate) fn new(capacity: usize) -> Self {
        ImageCache {
            entries: Mutex::new(Vec::new()),
            capacity,
        }
    }

    /// The image made from `original` at `size`, from the cache or by `make` now (not
    /// holding the cache meanwhile, so the other workers do not wait).
    pub(crate) fn get_or_make(
        &self,
        original: &Image,
        size: (u32, u32),
        make: impl FnOnce() -> Option<Image>,
    ) -> Option<Image> {
        let key = typst::utils::hash128(original);
        let entries = || self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, _, found)) = entries().iter().find(|(k, s, _)| *k == key && *s == size) {
            return Some(found.clone());
        }
        let made = make()?;
        let mut entries = entries();
        if entries.len() >= self.capacity {
            entries.remove(0);
        }
        entries.push((key, size, made.clone()));
        Some(made)
    }
}

/// A rendered pixmap's pixels as RGB over paper white (its pixels are premultiplied).
pub(crate) fn rgb_over_white(pixmap: &tiny_skia::Pixmap) -> Vec<[u8; 3]> {
    let over_white = |p: &[u8]| [0, 1, 2].map(|c| p[c].saturating_add(255 - p[3]));
    pixmap.data().chunks_exact(4).map(over_white).collect()
}

/// How much `transform` stretches lengths along x (rotation aside).
pub(crate) fn x_scale(transform: &Transform) -> f64 {
    transform.sx.get().hypot(transform.ky.get())
}
