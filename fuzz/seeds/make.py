#!/usr/bin/env python3
"""Writes the hand-made seed inputs of each fuzz target into corpus/<target>/ (run from fuzz/)."""
import json, os, struct

def write(target, name, data):
    os.makedirs(f"corpus/{target}", exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(f"corpus/{target}/seed-{name}", "wb") as f:
        f.write(data)

FORMS = [
    "firstName=Jane&lastName=Doe&phone=%28303%29+555-0100&email=jane%40example.com&zip=80202",
    "First+Name=Jane&Last%20Name=Doe&Phone=%28303%29+555-0100&note=50%+off&flag&&city=Z%C3%BCrich",
    "name=Doe%2C+Jane&cellPhone=1-720-555-0199+ext.+12&homePhone=+44+20+7946+0958&jobCategory=Residential&workType=Retail&priority=high",
    "fullName=Mary+Ann+Smith+Jr.&address=1+Main+St&apt=4B&city=Denver&state=CO&postalCode=80202&country=US&appointment=03%2F14%2F2027+2%3A30+PM",
    "fname=%F0%9F%8F%A0+Jos%C3%A9&notes=Roof+leak%0D%0Asecond+line&contactId=CT-1001&salesPerson=rep%40roofco.com&initialAppointmentDate=2027-03-14T14%3A30%3A00-06%3A00",
    "firstName=&lastName=&phone=12&email=not-an-email&initialAppointmentDate=yesterday",
]
for i, form in enumerate(FORMS):
    write("body", f"form-{i}", b"\x00" + form.encode())

def multipart(parts):
    out = b""
    for headers, value in parts:
        out += b"--XyZ\r\n" + headers.encode() + b"\r\n\r\n" + value + b"\r\n"
    return out + b"--XyZ--\r\n"

write("body", "multipart-0", b"\x01" + multipart([
    ('Content-Disposition: form-data; name="firstName"', b"Jane"),
    ('Content-Disposition: form-data; name="phone"', b"(303) 555-0100"),
]))
write("body", "multipart-1", b"\x01" + multipart([
    ('Content-Disposition: form-data; name="firstName"\r\nContent-Type: text/plain; charset=utf-8', "Jos\u00e9".encode()),
    ('Content-Disposition: form-data; name="photo"; filename="roof.jpg"\r\nContent-Type: image/jpeg', b"\xff\xd8\xff\xe0" * 40),
    ('Content-Disposition: form-data; name="meta"\r\nContent-Type: application/json', b'{"a":1}'),
    ("Content-Disposition: form-data; name=\"doc\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf", b"%PDF-1.4"),
]))
write("body", "multipart-2", b"\x01--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated")
write("body", "any-0", b"\x02application/json; charset=utf-8\n{\"firstName\":\"Jane\"}")
write("body", "any-1", b"\x02text/plain\nfirstName=Jane")
write("body", "any-2", b"\x02Application/X-WWW-Form-Urlencoded ; charset=UTF-8\nfirstName=Jane")
write("body", "any-3", b"\x02multipart/form-data\n--x--")
write("body", "roundtrip-0", b"\x03" + bytes(range(1, 64)))

LEADS = [
    {"firstName": "Jane", "lastName": "Doe", "phone": "(303) 555-0100", "email": "jane@example.com"},
    {"contact": {"first": "Jane", "last": "Doe", "phones": [{"type": "cell", "number": "720-555-0199"}]},
     "tags": ["roof", "gutter"], "zip": 80202, "vip": True, "score": 4.5, "note": None, "empty": []},
    {"firstName": "Jos\u00e9 \U0001F3E0", "notes": "line1\r\nline2", "initialAppointmentDate": "2027-03-14T14:30:00-06:00",
     "firstName ": "dup", "a.b": {"c": [[1, 2], [3]]}},
    {"big": 12345678901234567890, "neg": -9223372036854775808, "exp": 1e300, "tiny": 5e-324},
]
for i, lead in enumerate(LEADS):
    write("json_body", f"lead-{i}", b"\x00" + json.dumps(lead, ensure_ascii=(i % 2 == 0)).encode())
write("json_body", "bom", b"\x01\xef\xbb\xbf{\"firstName\":\"Jane\"}")
write("json_body", "dupes", b'\x00{"phone":"1","phone":"2","x":{"y":{"z":"deep"}}}')
write("json_body", "array", b'\x00[{"firstName":"Jane"}]')
write("json_body", "escapes", b'\x00{"first\\u004eame":"J\\u00e9\\ud83c\\udfe0","t":"\\n\\t\\"\\\\"}')
write("json_body", "broken", b'\x00{"firstName":"Jane",}')
write("json_body", "deep", b"\x00" + b'{"a":' * 130 + b'1' + b'}' * 130)

MAPPINGS = [
    {},
    {"aliases": {"phoneNumber2": ["phone"], "firstName": ["Vorname"]}, "defaults": {"jobCategory": "Residential",
     "workType": "Retail", "priority": "High", "phone_type1": "Mobile", "country": "CA", "time_zone": "America/Denver",
     "first_name_fallback": "Website lead"}, "unmapped_to_notes": False, "dedupe_window_hours": 0},
    {"aliases": {"notes": ["comments", "Message"], "street": ["Street Address"]}, "defaults": {"country": "",
     "time_zone": "Australia/Lord_Howe"}, "dedupe_window_hours": 8760},
    {"aliases": {"nope": ["x"], "zip": ["", "  ", "firstName"]}, "defaults": {"time_zone": "Mars/Olympus"}},
]
for i, mapping in enumerate(MAPPINGS):
    for j, form in enumerate(FORMS):
        if (i + j) % 2 == 0 or i == 0:
            write("mapping", f"m{i}-f{j}", json.dumps(mapping) + "\n" + form)
write("mapping", "dst", json.dumps(MAPPINGS[1]) + "\nfirstName=Jane&initialAppointmentDate=03%2F14%2F2027+2%3A30+AM&appointment2=2027-11-07+01%3A30")

def head(now, max_minutes, ahead, zone):
    return struct.pack("<I", now)[:3] + struct.pack("<H", max_minutes) + bytes([ahead & 0xff]) + struct.pack("<H", ahead)[1:] + bytes([zone])

HEADERS = ["120", "0", "86400", " 30 ", "+5", "-1", "18446744073709551616", "Wed, 21 Oct 2015 07:28:00 GMT",
           "Sun, 06 Nov 1994 08:49:37 GMT", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994", "soon", "\0",
           "2027-03-14T14:30:00-06:00", "2027-03-14 14:30", "03/14/2027 2:30 PM", "3/4/2027 9:05 a.m.", "2027-03-14",
           "03/14/2027", "2027-03-14T02:30", "9999-12-31T23:59:59+14:00", "1000-01-01T00:00:00-14:00", "2027-13-40 25:61"]
for i, header in enumerate(HEADERS):
    write("retry_after", f"h{i}", head(1_780_000 + i * 1000, 60 * (i % 30), i * 97, i * 17 % 256) + header.encode())

VALID = {"firstName": "Jane", "lastName": "Doe", "phoneNumber1": "3035550100", "phoneType1": "Mobile",
         "emailAddress": "jane@example.com", "jobCategory": "Residential", "workType": "Retail",
         "priority": "High", "country": "US", "initialAppointmentDate": "2027-03-14T20:30:00Z",
         "notes": "Roof leak"}
BODIES = [VALID, {"firstName": "  "}, {"firstName": None, "jobCategory": None}, {"firstName": "J" * 60},
          {"firstName": "Jane", "unknown": "x", "phoneNumber1": 3035550100}, [VALID], "text",
          {"firstName": "Jane", "emailAddress": "a@b", "initialAppointmentDate": "2027-03-14 14:30"},
          {"firstName": "\U0001F3E0" * 26, "initialAppointmentDate": "2027-03-14T14:30:00.1234567+14:00"}]
for i, body in enumerate(BODIES):
    write("sandbox_validator", f"b{i}", b"\x00" + json.dumps(body).encode())
