# The document for evaluate.sh (see there).
# A register of N records, ~7 lines each; every 7th record's start tag spreads over 3 lines; some
# fields hold multi-line text and CDATA; comments between records. Writes doc.xml and truth.txt
# (element name, line of its '<', for every start tag, in document order).
import sys
n = int(sys.argv[1])
out = []
truth = []
line = 1
def emit(s):
    global line
    out.append(s)
    line += s.count("\n")
emit('<?xml version="1.0" encoding="UTF-8"?>\n')
truth.append(("registry", line)); emit('<registry department="d">\n')
for i in range(n):
    if i % 7 == 3:
        truth.append(("entity", line)); emit('  <entity\n     kind="x"\n  >\n')
    else:
        truth.append(("entity", line)); emit('  <entity>\n')
    truth.append(("uscc", line)); emit('    <uscc>9114098100000%05d</uscc>\n' % i)
    truth.append(("name", line)); emit('    <name>名称 %d\nsecond line</name>\n' % i if i % 5 == 0 else '    <name>名称 %d</name>\n' % i)
    if i % 11 == 0:
        truth.append(("note", line)); emit('    <note><![CDATA[a\nb]]></note>\n')
    truth.append(("phone", line)); emit('    <phone\n>0350</phone>\n' if i % 13 == 0 else '    <phone>0350</phone>\n')
    emit('  </entity>\n')
    if i % 17 == 0:
        emit('  <!-- c\n -->\n')
emit('</registry>\n')
open('doc.xml', 'w').write(''.join(out))
open('truth.txt', 'w').write(''.join(f"{name} {l}\n" for name, l in truth))
print("lines", line)
