// Reads a Yjs update (base64, stdin) and opens it as the workspace's TipTap editor would:
// the same extensions as client/src/workspace/documents/editor.ts (keep them in step), y-tiptap's
// conversion from the XmlFragment "default". y-tiptap deletes from the Yjs document any
// element the schema refuses: this prints {"deleted": true} then, or the ProseMirror JSON
// after ProseMirror's own check of the content.
// Usage: node tiptap_check.mjs < update.b64
import { readFileSync } from 'node:fs'
import * as Y from 'yjs'
import { getSchema } from '@tiptap/core'
import StarterKit from '@tiptap/starter-kit'
import { TableKit } from '@tiptap/extension-table'
import { TaskItem, TaskList } from '@tiptap/extension-list'
import Image from '@tiptap/extension-image'
import Mention from '@tiptap/extension-mention'
import { yXmlFragmentToProseMirrorRootNode } from '@tiptap/y-tiptap'

const schema = getSchema([
  StarterKit.configure({ undoRedo: false, link: { openOnClick: false } }),
  TableKit.configure({ table: { resizable: false } }),
  TaskList,
  TaskItem.configure({ nested: true }),
  Image,
  Mention,
])
const doc = new Y.Doc()
Y.applyUpdate(doc, Buffer.from(readFileSync(0, 'utf8').trim(), 'base64'))
let deleted = false
doc.on('update', () => { deleted = true })
const node = yXmlFragmentToProseMirrorRootNode(doc.getXmlFragment('default'), schema)
node.check()
console.log(JSON.stringify({ deleted, doc: node.toJSON() }))
