// Reads an iCalendar text from stdin with Mozilla's ical.js (the parser of Thunderbird) and prints, as
// JSON, what a calendar client would take from it. Used by tests/visits/test_icaljs.py.
const ICAL = require(process.env.SAMBANG_ICALJS + "/dist/ical.es5.cjs");
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const calendar = new ICAL.Component(ICAL.parse(input));
  for (const zone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(zone);
  }
  const event = new ICAL.Event(calendar.getFirstSubcomponent("vevent"));
  console.log(JSON.stringify({
    method: calendar.getFirstPropertyValue("method"),
    uid: event.uid,
    sequence: event.sequence,
    summary: event.summary,
    start_utc: event.startDate.toUnixTime(),
    end_utc: event.endDate.toUnixTime(),
    status: event.component.getFirstPropertyValue("status"),
    attendees: event.attendees.map((a) => a.getFirstValue()),
  }));
});
