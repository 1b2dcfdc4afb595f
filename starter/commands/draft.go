package commands

import (
	"context"
	"strings"

	"github.com/ehc-send/ehc/starter/internal/cli"
	"github.com/ehc-send/ehc/statute"
	"github.com/ehc-send/ehc/workflows/assessment"
)

// The draft plan's steps (workflow draft.go): serving it, the family's
// comments and the schools consulted (reg 13(1), CFA s.39).

// cmdServeDraft records the draft plan served on the family (reg 13(1)).
func cmdServeDraft(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "serve-draft")
	if err := s.parse(args); err != nil {
		return err
	}
	return s.send(ctx, assessment.UpdateServeDraft,
		assessment.ServeDraftInput{On: s.date},
		"draft plan served; the family may comment until "+cli.LongDate(statute.CommentsEnd(s.date)))
}

// cmdRecordComments records the family's representations on the draft,
// and the school they ask for, which is then consulted.
func cmdRecordComments(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "record-comments")
	schoolName := s.fs.String("school-name", "", "`name` of a school the family asks to be named (consulted from --on)")
	schoolEmail := s.fs.String("school-email", "", "that school's `email` address")
	meeting := s.fs.Bool("meeting", false, "the family asks to meet an officer about the draft")
	note := s.fs.String("note", "", "a note for the case record (optional)")
	if err := s.parse(args); err != nil {
		return err
	}
	if err := bounded("note", *note, assessment.CheckNote); err != nil {
		return err
	}
	in := assessment.RecordCommentsInput{On: s.date, WantsMeeting: *meeting, Note: strings.TrimSpace(*note)}
	if *schoolName != "" || *schoolEmail != "" {
		if err := required("school-name", *schoolName); err != nil {
			return usagef("--school-email needs --school-name: give both to name a requested school")
		}
		if *schoolEmail == "" {
			return usagef("--school-name needs --school-email: give both to name a requested school")
		}
		if err := bounded("school-name", *schoolName, assessment.CheckSchoolName); err != nil {
			return err
		}
		if err := checkEmail("school-email", *schoolEmail); err != nil {
			return err
		}
		in.RequestedSchool = assessment.Contact{Name: strings.TrimSpace(*schoolName), Email: *schoolEmail}
	}
	done := "family's comments recorded"
	if in.RequestedSchool.Name != "" {
		done += "; " + in.RequestedSchool.Name + " requested and consulted"
	}
	if in.WantsMeeting {
		done += "; meeting requested"
	}
	return s.send(ctx, assessment.UpdateRecordComments, in, done)
}

// cmdConsultSchool records consulting a school on the draft (CFA s.39(3)).
func cmdConsultSchool(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "consult-school")
	schoolName := s.fs.String("school-name", "", "`name` of the school consulted")
	schoolEmail := s.fs.String("school-email", "", "the school's `email` address")
	if err := s.parse(args); err != nil {
		return err
	}
	if err := requiredBounded("school-name", *schoolName, assessment.CheckSchoolName); err != nil {
		return err
	}
	if err := checkEmail("school-email", *schoolEmail); err != nil {
		return err
	}
	name := strings.TrimSpace(*schoolName)
	return s.send(ctx, assessment.UpdateConsultSchool,
		assessment.ConsultSchoolInput{On: s.date, School: assessment.Contact{Name: name, Email: *schoolEmail}},
		name+" consulted; answer expected by "+cli.LongDate(statute.ConsultDueFrom(s.date, s.cfg.ConsultDays)))
}

// cmdRecordConsultation records a consulted school's answer.
func cmdRecordConsultation(ctx context.Context, e *Env, args []string) error {
	s := newStep(e, "record-consultation")
	school := s.fs.String("school", "", "`name` of the consulted school, as consulted")
	agrees := s.fs.Bool("agrees", false, "the school agrees to be named")
	declines := s.fs.Bool("declines", false, "the school says it is unsuitable or cannot admit")
	note := s.fs.String("note", "", "a note for the case record (optional)")
	if err := s.parse(args); err != nil {
		return err
	}
	if err := requiredBounded("school", *school, assessment.CheckSchoolName); err != nil {
		return err
	}
	if err := exactlyOne("agrees", *agrees, "declines", *declines); err != nil {
		return err
	}
	if err := bounded("note", *note, assessment.CheckNote); err != nil {
		return err
	}
	name := strings.TrimSpace(*school)
	done := name + " agrees to be named"
	if *declines {
		done = name + " declines"
	}
	return s.send(ctx, assessment.UpdateRecordConsultation,
		assessment.RecordConsultationInput{On: s.date, School: name, Agrees: *agrees, Note: strings.TrimSpace(*note)},
		done)
}
