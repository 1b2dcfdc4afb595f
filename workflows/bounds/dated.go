package bounds

import (
	"errors"
	"fmt"

	"github.com/ehc-send/ehc/statute"
)

// Dated refuses a step's date that is missing, after today, or before
// notBefore (the step it must follow, named by after): the check every
// process applies to --on.
func Dated(on, today, notBefore statute.Date, after string) error {
	switch {
	case on.IsZero():
		return errors.New("the date the step took effect (--on) is required")
	case on.After(today):
		return fmt.Errorf("date %s is in the future (today is %s)", on, today)
	case on.Before(notBefore):
		return fmt.Errorf("date %s is before %s on %s", on, after, notBefore)
	}
	return nil
}
