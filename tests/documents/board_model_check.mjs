// Checks client/src/board/model.ts (compiled beside this script by test_board.py) with two
// Yjs documents kept in sync as the server would: undo takes back only its own person's
// changes; a connector's ends follow the shapes it joins; removing a shape removes its
// connectors. Prints "ok" or throws.
import assert from 'node:assert/strict'
import * as Y from 'yjs'
import * as model from './model.js'

const a = new Y.Doc()
const b = new Y.Doc()
a.on('update', (u, origin) => origin !== 'remote' && Y.applyUpdate(b, u, 'remote'))
b.on('update', (u, origin) => origin !== 'remote' && Y.applyUpdate(a, u, 'remote'))
const alice = model.board(a)
const bob = model.board(b)

const box = model.add(alice, { kind: 'rect', x: 0, y: 0, w: 100, h: 50 })
alice.undo.stopCapturing()
const round = model.add(bob, { kind: 'ellipse', x: 300, y: 0, w: 100, h: 50, text: 'Bob' })
bob.undo.stopCapturing()
const link = model.add(bob, { kind: 'connector', from: box, to: round })
bob.undo.stopCapturing()
assert.deepEqual(model.list(alice).map((s) => s.id), [box, round, link])

// The connector leaves the rectangle's right edge and reaches the ellipse's left one.
let byId = new Map(model.list(alice).map((s) => [s.id, s]))
let [p, q] = model.ends(byId.get(link), byId)
assert.deepEqual([Math.round(p.x), Math.round(p.y), Math.round(q.x), Math.round(q.y)], [100, 25, 300, 25])

// Alice moves her rectangle below: the connector follows, for Bob too.
model.change(alice, box, { x: 300, y: 300 })
alice.undo.stopCapturing()
byId = new Map(model.list(bob).map((s) => [s.id, s]));
[p, q] = model.ends(byId.get(link), byId)
assert.deepEqual([Math.round(p.x), Math.round(p.y), Math.round(q.x), Math.round(q.y)], [350, 300, 350, 50])

// Alice's undo takes back her move, never Bob's ellipse nor his connector.
alice.undo.undo()
assert.equal(model.list(bob).find((s) => s.id === box).x, 0)
assert.deepEqual(model.list(bob).map((s) => s.id), [box, round, link])
alice.undo.undo() // her rectangle
assert.deepEqual(model.list(bob).map((s) => s.id), [round, link])
assert.equal(model.ends(model.list(bob).find((s) => s.id === link), new Map(model.list(bob).map((s) => [s.id, s]))), null)
alice.undo.redo()
assert.deepEqual(model.list(bob).map((s) => s.id), [box, round, link])

// Bob's undo takes back his connector only.
bob.undo.undo()
assert.deepEqual(model.list(alice).map((s) => s.id), [box, round])
bob.undo.redo()

// Removing a shape removes the connectors joined to it, in one undoable step.
model.remove(alice, [round])
assert.deepEqual(model.list(bob).map((s) => s.id), [box])
alice.undo.undo()
assert.deepEqual(model.list(bob).map((s) => s.id).sort(), [box, round, link].sort())
console.log('ok')
