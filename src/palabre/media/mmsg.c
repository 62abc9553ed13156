/* Batched UDP I/O for the media socket: sendmmsg(2) and recvmmsg(2), with UDP GSO.
 *
 * The C half of palabre.media.batchio (which has a pure-Python twin doing the same with
 * sendto and recvfrom loops, used when this module is not built). Linux only; the socket is
 * non-blocking and EAGAIN ends a call with what was done. The GIL is held throughout: every
 * call is non-blocking and short (a few hundred microseconds at most), and holding it keeps
 * the module's buffers and address cache safe without locks.
 *
 *   sendmmsg(fd, packets, addresses, start, gso) -> index of the first packet not sent
 *   recvmmsg(fd, max) -> [(bytes, address), ...]
 *   pack_address(family, address) -> bytes (the struct sockaddr sendmmsg takes)
 *   gso_supported(fd) -> bool
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef SOL_UDP
#define SOL_UDP 17
#endif

#define SEND_BATCH 64        /* messages per sendmmsg(2) call */
#define GSO_MAX_SEGMENTS 64  /* UDP_MAX_SEGMENTS of the kernels that have GSO */
#define GSO_MAX_BYTES 65000  /* one GSO message's payload: under the 64 KiB IP datagram */
#define RECV_MAX 64
#define RECV_SLOT 65536      /* any UDP datagram fits: nothing is ever truncated */
#define CACHE_SIZE 256       /* received source addresses kept as ready-made tuples */

/* --- receiving --- */

static char *recv_buffers; /* RECV_MAX slots of RECV_SLOT bytes, allocated on first use */

struct cached_address {
    socklen_t length;
    struct sockaddr_storage name;
    PyObject *tuple;
};
static struct cached_address address_cache[CACHE_SIZE];

static PyObject *make_address(const struct sockaddr_storage *name, socklen_t length)
{
    char text[INET6_ADDRSTRLEN];
    if (name->ss_family == AF_INET && length >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)name;
        if (inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text)) == NULL)
            return PyErr_SetFromErrno(PyExc_OSError);
        return Py_BuildValue("(si)", text, ntohs(sin->sin_port));
    }
    if (name->ss_family == AF_INET6 && length >= sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)name;
        if (inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof(text)) == NULL)
            return PyErr_SetFromErrno(PyExc_OSError);
        return Py_BuildValue("(siII)", text, ntohs(sin6->sin6_port),
                             (unsigned int)ntohl(sin6->sin6_flowinfo),
                             (unsigned int)sin6->sin6_scope_id);
    }
    PyErr_SetString(PyExc_OSError, "unexpected source address family");
    return NULL;
}

static unsigned int hash_name(const unsigned char *bytes, size_t length)
{
    unsigned int h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < length; i++)
        h = (h ^ bytes[i]) * 16777619u;
    return h;
}

/* A source address as Python's socket module gives it, the same tuple object for the same
 * address while it stays in the cache: no text conversion per packet, and the transport's
 * lookup by address hashes strings whose hash is already known. */
static PyObject *source_address(const struct sockaddr_storage *name, socklen_t length)
{
    if (length > sizeof(struct sockaddr_storage))
        length = sizeof(struct sockaddr_storage);
    struct cached_address *slot =
        &address_cache[hash_name((const unsigned char *)name, length) % CACHE_SIZE];
    if (slot->tuple != NULL && slot->length == length && memcmp(&slot->name, name, length) == 0) {
        Py_INCREF(slot->tuple);
        return slot->tuple;
    }
    PyObject *tuple = make_address(name, length);
    if (tuple == NULL)
        return NULL;
    Py_XSETREF(slot->tuple, Py_NewRef(tuple));
    slot->length = length;
    memcpy(&slot->name, name, length);
    return tuple;
}

static PyObject *py_recvmmsg(PyObject *module, PyObject *args)
{
    int fd, max;
    if (!PyArg_ParseTuple(args, "ii:recvmmsg", &fd, &max))
        return NULL;
    if (max < 1)
        max = 1;
    if (max > RECV_MAX)
        max = RECV_MAX;
    if (recv_buffers == NULL) {
        recv_buffers = PyMem_RawMalloc((size_t)RECV_MAX * RECV_SLOT);
        if (recv_buffers == NULL)
            return PyErr_NoMemory();
    }
    struct mmsghdr messages[RECV_MAX];
    struct iovec iov[RECV_MAX];
    struct sockaddr_storage names[RECV_MAX];
    memset(messages, 0, sizeof(struct mmsghdr) * (size_t)max);
    for (int i = 0; i < max; i++) {
        iov[i].iov_base = recv_buffers + (size_t)i * RECV_SLOT;
        iov[i].iov_len = RECV_SLOT;
        messages[i].msg_hdr.msg_iov = &iov[i];
        messages[i].msg_hdr.msg_iovlen = 1;
        messages[i].msg_hdr.msg_name = &names[i];
        messages[i].msg_hdr.msg_namelen = sizeof(names[i]);
    }
    int count;
    do {
        count = recvmmsg(fd, messages, (unsigned int)max, MSG_DONTWAIT, NULL);
    } while (count < 0 && errno == EINTR);
    if (count < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return PyList_New(0);
        return PyErr_SetFromErrno(PyExc_OSError);
    }
    PyObject *result = PyList_New(count);
    if (result == NULL)
        return NULL;
    for (int i = 0; i < count; i++) {
        PyObject *data = PyBytes_FromStringAndSize(iov[i].iov_base, messages[i].msg_len);
        PyObject *address =
            data == NULL ? NULL : source_address(&names[i], messages[i].msg_hdr.msg_namelen);
        PyObject *pair = address == NULL ? NULL : PyTuple_Pack(2, data, address);
        Py_XDECREF(data);
        Py_XDECREF(address);
        if (pair == NULL) {
            Py_DECREF(result);
            return NULL;
        }
        PyList_SET_ITEM(result, i, pair);
    }
    return result;
}

/* --- sending --- */

static int same_destination(PyObject *a, PyObject *b)
{
    return a == b || (PyBytes_GET_SIZE(a) == PyBytes_GET_SIZE(b) &&
                      memcmp(PyBytes_AS_STRING(a), PyBytes_AS_STRING(b),
                             (size_t)PyBytes_GET_SIZE(a)) == 0);
}

/* Reorder packets[start:] in place so that each destination's packets are contiguous, in the
 * order of its first packet, each destination's own packets keeping their order (a stable
 * sort by destination). Only packets to different destinations change places, which no
 * receiver can tell. Then same-size packets to one destination are neighbours: GSO's shape. */
static int group_by_destination(PyObject *packets, PyObject *addresses, Py_ssize_t start)
{
    Py_ssize_t n = PyList_GET_SIZE(packets) - start;
    if (n < 3)
        return 0;
    size_t table_size = 16;
    while (table_size < (size_t)n * 2)
        table_size *= 2;
    Py_ssize_t *table = PyMem_Malloc(table_size * sizeof(Py_ssize_t)); /* -> first index */
    Py_ssize_t *bucket_of = PyMem_Malloc((size_t)n * sizeof(Py_ssize_t));
    Py_ssize_t *bucket_of_first = PyMem_Malloc((size_t)n * sizeof(Py_ssize_t));
    Py_ssize_t *offsets = PyMem_Calloc((size_t)n + 1, sizeof(Py_ssize_t));
    PyObject **moved = PyMem_Malloc((size_t)n * 2 * sizeof(PyObject *));
    int status = -1;
    if (!table || !bucket_of || !bucket_of_first || !offsets || !moved) {
        PyErr_NoMemory();
        goto done;
    }
    for (size_t i = 0; i < table_size; i++)
        table[i] = -1;
    PyObject **items = ((PyListObject *)packets)->ob_item + start;
    PyObject **dests = ((PyListObject *)addresses)->ob_item + start;
    Py_ssize_t buckets = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *dest = dests[i];
        size_t h = hash_name((const unsigned char *)PyBytes_AS_STRING(dest),
                             (size_t)PyBytes_GET_SIZE(dest)) & (table_size - 1);
        while (table[h] >= 0 && !same_destination(dests[table[h]], dest))
            h = (h + 1) & (table_size - 1);
        if (table[h] < 0) {
            table[h] = i;
            bucket_of_first[i] = buckets++;
        }
        bucket_of[i] = bucket_of_first[table[h]];
        offsets[bucket_of[i] + 1]++;
    }
    if (buckets == n) { /* every packet to its own destination: nothing to group */
        status = 0;
        goto done;
    }
    for (Py_ssize_t b = 0; b < buckets; b++)
        offsets[b + 1] += offsets[b];
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_ssize_t to = offsets[bucket_of[i]]++;
        moved[to] = items[i];
        moved[n + to] = dests[i];
    }
    /* A permutation of the lists' own references: no reference count changes. */
    memcpy(items, moved, (size_t)n * sizeof(PyObject *));
    memcpy(dests, moved + n, (size_t)n * sizeof(PyObject *));
    status = 0;
done:
    PyMem_Free(table);
    PyMem_Free(bucket_of);
    PyMem_Free(bucket_of_first);
    PyMem_Free(offsets);
    PyMem_Free(moved);
    return status;
}

static PyObject *py_sendmmsg(PyObject *module, PyObject *args)
{
    int fd, gso;
    PyObject *packets, *addresses;
    Py_ssize_t start;
    if (!PyArg_ParseTuple(args, "iO!O!np:sendmmsg", &fd, &PyList_Type, &packets, &PyList_Type,
                          &addresses, &start, &gso))
        return NULL;
    Py_ssize_t n = PyList_GET_SIZE(packets);
    if (PyList_GET_SIZE(addresses) != n) {
        PyErr_SetString(PyExc_ValueError, "packets and addresses differ in length");
        return NULL;
    }
    if (start < 0 || start > n) {
        PyErr_SetString(PyExc_IndexError, "start out of range");
        return NULL;
    }
    for (Py_ssize_t i = start; i < n; i++) {
        PyObject *dest = PyList_GET_ITEM(addresses, i);
        if (!PyBytes_Check(PyList_GET_ITEM(packets, i)) || !PyBytes_Check(dest) ||
            PyBytes_GET_SIZE(dest) < (Py_ssize_t)sizeof(sa_family_t) ||
            PyBytes_GET_SIZE(dest) > (Py_ssize_t)sizeof(struct sockaddr_storage)) {
            PyErr_SetString(PyExc_TypeError, "packets must be bytes, addresses packed (bytes)");
            return NULL;
        }
    }
    if (gso && group_by_destination(packets, addresses, start) < 0)
        return NULL;

    static struct mmsghdr messages[SEND_BATCH];
    static struct iovec iov[SEND_BATCH * GSO_MAX_SEGMENTS];
    static union {
        char buffer[CMSG_SPACE(sizeof(uint16_t))];
        struct cmsghdr align;
    } control[SEND_BATCH];
    Py_ssize_t ends[SEND_BATCH];
    Py_ssize_t position = start;
    while (position < n) {
        int count = 0;
        size_t used_iov = 0;
        Py_ssize_t i = position;
        while (i < n && count < SEND_BATCH) {
            PyObject *dest = PyList_GET_ITEM(addresses, i);
            Py_ssize_t size = PyBytes_GET_SIZE(PyList_GET_ITEM(packets, i));
            Py_ssize_t j = i + 1, total = size;
            if (gso) {
                /* Segments of one size, the last one possibly shorter, to one destination. */
                while (j < n && j - i < GSO_MAX_SEGMENTS &&
                       same_destination(PyList_GET_ITEM(addresses, j), dest)) {
                    Py_ssize_t next = PyBytes_GET_SIZE(PyList_GET_ITEM(packets, j));
                    if (next > size || total + next > GSO_MAX_BYTES || next == 0)
                        break;
                    total += next;
                    j++;
                    if (next < size)
                        break;
                }
            }
            struct msghdr *header = &messages[count].msg_hdr;
            memset(header, 0, sizeof(*header));
            header->msg_name = PyBytes_AS_STRING(dest);
            header->msg_namelen = (socklen_t)PyBytes_GET_SIZE(dest);
            header->msg_iov = &iov[used_iov];
            header->msg_iovlen = (size_t)(j - i);
            for (Py_ssize_t k = i; k < j; k++) {
                PyObject *packet = PyList_GET_ITEM(packets, k);
                iov[used_iov].iov_base = PyBytes_AS_STRING(packet);
                iov[used_iov].iov_len = (size_t)PyBytes_GET_SIZE(packet);
                used_iov++;
            }
            if (j - i > 1) {
                header->msg_control = control[count].buffer;
                header->msg_controllen = sizeof(control[count].buffer);
                struct cmsghdr *cmsg = CMSG_FIRSTHDR(header);
                cmsg->cmsg_level = SOL_UDP;
                cmsg->cmsg_type = UDP_SEGMENT;
                cmsg->cmsg_len = CMSG_LEN(sizeof(uint16_t));
                uint16_t segment = (uint16_t)size;
                memcpy(CMSG_DATA(cmsg), &segment, sizeof(segment));
            }
            ends[count++] = j;
            i = j;
        }
        int sent;
        do {
            sent = sendmmsg(fd, messages, (unsigned int)count, MSG_DONTWAIT);
        } while (sent < 0 && errno == EINTR);
        if (sent <= 0) {
            if (sent == 0 || errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            if (position > start)
                break; /* the caller's next call starts at the failing packet and raises */
            return PyErr_SetFromErrno(PyExc_OSError);
        }
        position = ends[sent - 1];
        if (sent < count)
            break; /* the socket took part: the next call says why (EAGAIN or an error) */
    }
    return PyLong_FromSsize_t(position);
}

/* --- addresses and capabilities --- */

static PyObject *py_pack_address(PyObject *module, PyObject *args)
{
    int family;
    PyObject *address;
    if (!PyArg_ParseTuple(args, "iO!:pack_address", &family, &PyTuple_Type, &address))
        return NULL;
    const char *host;
    int port;
    unsigned int flowinfo = 0, scope_id = 0;
    if (family == AF_INET) {
        struct sockaddr_in sin;
        memset(&sin, 0, sizeof(sin));
        if (!PyArg_ParseTuple(address, "si:pack_address", &host, &port))
            return NULL;
        sin.sin_family = AF_INET;
        sin.sin_port = htons((uint16_t)port);
        if (port < 0 || port > 65535 || inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
            PyErr_Format(PyExc_ValueError, "not an IPv4 address: %s port %d", host, port);
            return NULL;
        }
        return PyBytes_FromStringAndSize((const char *)&sin, sizeof(sin));
    }
    if (family == AF_INET6) {
        struct sockaddr_in6 sin6;
        memset(&sin6, 0, sizeof(sin6));
        if (!PyArg_ParseTuple(address, "si|II:pack_address", &host, &port, &flowinfo, &scope_id))
            return NULL;
        char text[INET6_ADDRSTRLEN + 1];
        size_t length = strcspn(host, "%"); /* fe80::1%eth0: the scope is scope_id's */
        if (length >= sizeof(text)) {
            PyErr_Format(PyExc_ValueError, "not an IPv6 address: %s", host);
            return NULL;
        }
        memcpy(text, host, length);
        text[length] = '\0';
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons((uint16_t)port);
        sin6.sin6_flowinfo = htonl(flowinfo);
        sin6.sin6_scope_id = scope_id;
        if (port < 0 || port > 65535 || inet_pton(AF_INET6, text, &sin6.sin6_addr) != 1) {
            PyErr_Format(PyExc_ValueError, "not an IPv6 address: %s port %d", host, port);
            return NULL;
        }
        return PyBytes_FromStringAndSize((const char *)&sin6, sizeof(sin6));
    }
    PyErr_SetString(PyExc_ValueError, "family must be AF_INET or AF_INET6");
    return NULL;
}

static PyObject *py_gso_supported(PyObject *module, PyObject *args)
{
    int fd, value = 0;
    socklen_t length = sizeof(value);
    if (!PyArg_ParseTuple(args, "i:gso_supported", &fd))
        return NULL;
    return PyBool_FromLong(getsockopt(fd, SOL_UDP, UDP_SEGMENT, &value, &length) == 0);
}

static PyMethodDef methods[] = {
    {"sendmmsg", py_sendmmsg, METH_VARARGS,
     "sendmmsg(fd, packets, addresses, start, gso) -> index of the first packet not sent"},
    {"recvmmsg", py_recvmmsg, METH_VARARGS, "recvmmsg(fd, max) -> [(bytes, address), ...]"},
    {"pack_address", py_pack_address, METH_VARARGS,
     "pack_address(family, address) -> the struct sockaddr as bytes"},
    {"gso_supported", py_gso_supported, METH_VARARGS,
     "gso_supported(fd) -> whether the kernel has UDP_SEGMENT"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "palabre.media.mmsg",
    .m_doc = "Batched UDP I/O: sendmmsg, recvmmsg and UDP GSO (see palabre.media.batchio).",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit_mmsg(void) { return PyModule_Create(&module); }
