package register

import (
	"context"
	"fmt"
	"time"

	"github.com/ehc-send/ehc/register/sen2"
	"github.com/ehc-send/ehc/statute"
)

// SEN2Failure is one item a case's record cannot yet give the DfE's
// return, found before the return is made so the authority can put it
// right first.
type SEN2Failure struct {
	CaseRef string `json:"case_ref"`
	Item    string `json:"item"`    // the return's item, as the specification names it
	Problem string `json:"problem"` // what is wrong, in plain English
}

// SEN2Check judges the record for the return of year (the calendar year
// before the January collection): the requests received in it, the
// assessments decided in it, the work still open at its end and the plans
// the product keeps. It reads case_people, so it needs a role that may.
// The items checked are module 1's (Person) and RequestSource; the
// return's other modules are not yet produced (sen2.md, to check against
// the specification).
func (s *Store) SEN2Check(ctx context.Context, year int) ([]SEN2Failure, error) {
	if year < 2023 || year > time.Now().Year() {
		return nil, fmt.Errorf("year %d: the person-level return began with 2023's; want 2023 to this year", year)
	}
	from, to := statute.NewDate(year, 1, 1), statute.NewDate(year, 12, 31)
	rows, err := s.Pool.Query(ctx, `select c.case_ref, c.requester, p.case_ref is not null, p.child_dob, coalesce(p.upn, ''), coalesce(p.uln, ''),
			coalesce(p.upn_unknown, ''), coalesce(p.sex, ''), coalesce(p.ethnicity, ''), coalesce(p.postcode, '')
		from cases c left join case_people p using (case_ref)
		where c.day1 <= $2 and (c.closed_on is null or c.closed_on >= $1)
		order by c.case_ref`, dateArg(from), dateArg(to))
	if err != nil {
		return nil, fmt.Errorf("reading the cases for SEN2 %d: %w", year, err)
	}
	defer rows.Close()
	var out []SEN2Failure
	for rows.Next() {
		var ref, requester string
		var held bool
		var dob *time.Time
		var p sen2.Person
		if err := rows.Scan(&ref, &requester, &held, &dob, &p.UPN, &p.ULN, &p.UPNUnknown, &p.Sex, &p.Ethnicity, &p.PostCode); err != nil {
			return nil, err
		}
		fail := func(item, problem string) { out = append(out, SEN2Failure{ref, item, problem}) }
		if !held {
			fail("Person", "the case's people are not in the register (entered before it kept them, or erased)")
			continue
		}
		if dob == nil {
			fail("PersonBirthDate", "missing")
		}
		if p.UPN == "" && p.ULN == "" && p.UPNUnknown == "" {
			fail("UPN", "missing: give the UPN, the ULN, or why neither is known (UPNunknown)")
		}
		for _, c := range []struct{ item, v string }{{"Sex", p.Sex}, {"Ethnicity", p.Ethnicity}, {"PostCode", p.PostCode}} {
			if c.v == "" {
				fail(c.item, "missing")
			}
		}
		if err := p.Check(); err != nil {
			fail("Person", err.Error())
		}
		if _, err := sen2.RequestSource(requester); err != nil {
			fail("RequestSource", err.Error())
		}
	}
	return out, rows.Err()
}
