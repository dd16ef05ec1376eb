"""E-filing: an application written in Word (or the JPO template) as HTML becomes JPO
XML, after a formality check whose findings an applicant can act on (issue 20)."""
