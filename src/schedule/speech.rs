//! How a voice prompt says the opening hours and the next opening.
