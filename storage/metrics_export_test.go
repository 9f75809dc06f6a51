package storage

// UsePortableMedians makes s compute medians with window functions on
// every database, so that tests can compare them with percentile_cont.
func (s *Metrics) UsePortableMedians() { s.portableMedians = true }
