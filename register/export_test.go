package register

import "io"

// For register_test: the checks ImportProviders and AddProvider make
// before anything touches the database.
var (
	NormaliseProvider = (*Provider).normalise
	MaxEmailForTest   = maxEmail
)

func ReadProvidersForTest(r io.Reader) (int, error) {
	rows, err := readProviders(r)
	return len(rows), err
}
