//! Whether a string's bytes fall in a class given as a 256-entry table, looked up eight bytes
//! per branch: an ID is checked (`validate`) and scanned for bytes to percent-encode
//! (`path_segment`) on every request, and a branch per byte cost about twice as much.

/// Whether any byte of `bytes` is marked in `table`.
pub(crate) fn any(table: &[bool; 256], bytes: &[u8]) -> bool {
    let marked = |b: u8| table[usize::from(b)];
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        // `|` on bools: every lookup of the chunk, then one branch.
        if marked(c[0])
            | marked(c[1])
            | marked(c[2])
            | marked(c[3])
            | marked(c[4])
            | marked(c[5])
            | marked(c[6])
            | marked(c[7])
        {
            return true;
        }
    }
    chunks.remainder().iter().any(|&b| marked(b))
}

#[cfg(test)]
mod tests {
    /// Agrees with a byte-by-byte scan for a mark at every position of strings of every
    /// length around the chunk size.
    #[test]
    fn finds_a_marked_byte_wherever_it_is() {
        let mut table = [false; 256];
        table[usize::from(b'/')] = true;
        for len in 0..40 {
            let plain = vec![b'a'; len];
            assert!(!super::any(&table, &plain), "{len}");
            for at in 0..len {
                let mut marked = plain.clone();
                marked[at] = b'/';
                assert!(super::any(&table, &marked), "{len} {at}");
            }
        }
    }
}
