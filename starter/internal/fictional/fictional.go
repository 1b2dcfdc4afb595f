// Package fictional is the child and family the privacy tests use, in the
// CLI's tests and the end-to-end ones alike: distinctive enough that any
// match of their details in a log, a search attribute or a table is theirs.
package fictional

import "strings"

const (
	Child  = "Zebedee Quintrell"
	DOB    = "2015-03-17"
	Family = "Morwenna Quintrell"
	Email  = "quintrell.family@example.org"
	// Reason is a caseworker's free text, as they will write it: the
	// child's name and a health detail, in the letter the family is sent.
	Reason = "Zebedee's needs are met by the ketogenic diet for his epilepsy at Trevanion Clinic"
)

// Secrets is every form the child's details could take in clear.
var Secrets = []string{
	Child, "Zebedee", "Quintrell", Family, "Morwenna",
	DOB, "17/03/2015", "17-03-2015", "17 March 2015", "17 Mar 2015", "March 17, 2015", "20150317", "2015/03/17", "03/17/2015",
	Email, "quintrell.family",
	"ketogenic", "epilepsy", "Trevanion",
}

// Secret is the first of Secrets in text, in any case, if any.
func Secret(text string) string {
	lower := strings.ToLower(text)
	for _, s := range Secrets {
		if strings.Contains(lower, strings.ToLower(s)) {
			return s
		}
	}
	return ""
}
