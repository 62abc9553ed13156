// A stock y-websocket client (the npm package, unchanged) for test_interop.py: it joins a
// Palabre document with an API token, adds a paragraph in TipTap's layout, waits until the
// document holds `expect` paragraphs, and prints the document's XML; or, with "write-refused",
// checks that its edit is refused (the server closes with 4403).
// Usage: node ystock.mjs <server ws url>/api/yjs <document id> <token> <text> <expect|write-refused>
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'

const [serverUrl, room, token, text, mode] = process.argv.slice(2)
const doc = new Y.Doc()
const closes = []
const provider = new WebsocketProvider(serverUrl, room, doc, {
  WebSocketPolyfill: WebSocket,
  params: { token },
  disableBc: true,
  shouldReconnect: (event) => {
    closes.push(event.code)
    return false
  }
})
provider.awareness.setLocalStateField('user', { name: 'node', color: '#123456' })
const fragment = doc.getXmlFragment('default')

const deadline = setTimeout(() => {
  console.error(`timed out: ${fragment.toString()} closes=${closes}`)
  process.exit(2)
}, 30000)

let finished = false
const done = (output) => {
  if (finished) return
  finished = true
  clearTimeout(deadline)
  console.log(JSON.stringify(output))
  provider.destroy()
  setTimeout(() => process.exit(0), 100)
}

provider.on('sync', (synced) => {
  if (!synced) return
  const paragraph = new Y.XmlElement('paragraph')
  paragraph.insert(0, [new Y.XmlText(text)])
  fragment.push([paragraph])
  if (mode === 'write-refused') {
    provider.on('connection-close', (event) => done({ code: event?.code, xml: fragment.toString() }))
    return
  }
  const expect = Number(mode)
  const check = () => {
    if (fragment.length >= expect) done({ xml: fragment.toString(), closes })
  }
  doc.on('update', check)
  check()
})
