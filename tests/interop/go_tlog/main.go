// Command go_tlog checks an OOTS exchange-log export with Go's own
// golang.org/x/mod/sumdb/note and golang.org/x/mod/sumdb/tlog.
//
// Usage: go_tlog -dir EXPORT -key VERIFIER_KEY [-stored FILE]
//
// It opens every signed checkpoint with the verifier key (note.Open),
// recomputes the stored hashes and tree hashes from the entries
// (tlog.StoredHashes, tlog.TreeHash), checks every inclusion proof
// (tlog.CheckRecord) and consistency proof (tlog.CheckTree), and compares
// them with the proofs tlog itself produces (tlog.ProveRecord, tlog.ProveTree).
// With -stored, the Python log's raw stored hashes (32 bytes each, in storage
// order) must equal tlog's stored hash layout byte for byte.
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type checkpointRecord struct {
	Size int64  `json:"size"`
	Note string `json:"note"`
}

type inclusionRecord struct {
	Index    int64    `json:"index"`
	Size     int64    `json:"size"`
	LeafHash string   `json:"leaf_hash"`
	Proof    []string `json:"proof"`
}

type consistencyRecord struct {
	Old   int64    `json:"old"`
	New   int64    `json:"new"`
	Proof []string `json:"proof"`
}

type memStore []tlog.Hash

func (m *memStore) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(*m)) {
			return nil, fmt.Errorf("stored hash %d not available", x)
		}
		out[i] = (*m)[x]
	}
	return out, nil
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "go_tlog: FAIL: "+format+"\n", args...)
	os.Exit(1)
}

func lines(path string) [][]byte {
	data, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	var out [][]byte
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		out = append(out, append([]byte(nil), sc.Bytes()...))
	}
	return out
}

func hash(b64 string) tlog.Hash {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(raw) != tlog.HashSize {
		fail("bad hash %q", b64)
	}
	var h tlog.Hash
	copy(h[:], raw)
	return h
}

func hashes(list []string) []tlog.Hash {
	out := make([]tlog.Hash, len(list))
	for i, s := range list {
		out[i] = hash(s)
	}
	return out
}

func main() {
	dir := flag.String("dir", "", "export directory")
	key := flag.String("key", "", "signed-note verifier key")
	stored := flag.String("stored", "", "optional file of raw stored hashes")
	flag.Parse()

	verifier, err := note.NewVerifier(*key)
	if err != nil {
		fail("verifier key: %v", err)
	}

	// Entries -> tlog's own stored hashes.
	var store memStore
	entries := lines(filepath.Join(*dir, "entries.jsonl"))
	for n, data := range entries {
		add, err := tlog.StoredHashes(int64(n), data, &store)
		if err != nil {
			fail("StoredHashes(%d): %v", n, err)
		}
		store = append(store, add...)
	}
	if *stored != "" {
		raw, err := os.ReadFile(*stored)
		if err != nil {
			fail("%v", err)
		}
		if len(raw) != len(store)*tlog.HashSize {
			fail("stored hashes: python has %d, tlog has %d", len(raw)/tlog.HashSize, len(store))
		}
		for i, h := range store {
			if !bytes.Equal(raw[i*tlog.HashSize:(i+1)*tlog.HashSize], h[:]) {
				fail("stored hash %d differs from tlog's", i)
			}
		}
	}

	// Checkpoints: signature (note.Open), body, root == tlog.TreeHash.
	roots := map[int64]tlog.Hash{}
	var latest int64 = -1
	for _, line := range lines(filepath.Join(*dir, "checkpoints.jsonl")) {
		var rec checkpointRecord
		if err := json.Unmarshal(line, &rec); err != nil {
			fail("checkpoint record: %v", err)
		}
		n, err := note.Open([]byte(rec.Note), note.VerifierList(verifier))
		if err != nil {
			fail("note.Open checkpoint %d: %v", rec.Size, err)
		}
		body := strings.Split(n.Text, "\n")
		if len(body) < 4 || body[0] != verifier.Name() {
			fail("checkpoint %d: unexpected body %q", rec.Size, n.Text)
		}
		size, err := strconv.ParseInt(body[1], 10, 64)
		if err != nil || size != rec.Size {
			fail("checkpoint %d: size line %q", rec.Size, body[1])
		}
		root := hash(body[2])
		th, err := tlog.TreeHash(size, &store)
		if err != nil || th != root {
			fail("checkpoint %d: root %v, tlog.TreeHash %v (%v)", size, root, th, err)
		}
		roots[size] = root
		if size > latest {
			latest = size
		}
	}

	// Inclusion proofs: tlog.CheckRecord and equality with tlog.ProveRecord.
	inclusions := 0
	for _, line := range lines(filepath.Join(*dir, "inclusion.jsonl")) {
		var rec inclusionRecord
		if err := json.Unmarshal(line, &rec); err != nil {
			fail("inclusion record: %v", err)
		}
		leaf := hash(rec.LeafHash)
		if leaf != tlog.RecordHash(entries[rec.Index]) {
			fail("leaf %d: hash is not tlog.RecordHash of the entry", rec.Index)
		}
		proof := tlog.RecordProof(hashes(rec.Proof))
		if err := tlog.CheckRecord(proof, rec.Size, roots[rec.Size], rec.Index, leaf); err != nil {
			fail("tlog.CheckRecord leaf %d size %d: %v", rec.Index, rec.Size, err)
		}
		own, err := tlog.ProveRecord(rec.Size, rec.Index, &store)
		if err != nil || fmt.Sprint(own) != fmt.Sprint(proof) {
			fail("leaf %d: proof differs from tlog.ProveRecord (%v)", rec.Index, err)
		}
		inclusions++
	}

	// Consistency proofs: tlog.CheckTree and equality with tlog.ProveTree.
	consistencies := 0
	for _, line := range lines(filepath.Join(*dir, "consistency.jsonl")) {
		var rec consistencyRecord
		if err := json.Unmarshal(line, &rec); err != nil {
			fail("consistency record: %v", err)
		}
		proof := tlog.TreeProof(hashes(rec.Proof))
		if err := tlog.CheckTree(proof, rec.New, roots[rec.New], rec.Old, roots[rec.Old]); err != nil {
			fail("tlog.CheckTree %d -> %d: %v", rec.Old, rec.New, err)
		}
		own, err := tlog.ProveTree(rec.New, rec.Old, &store)
		if err != nil || fmt.Sprint(own) != fmt.Sprint(proof) {
			fail("consistency %d -> %d differs from tlog.ProveTree (%v)", rec.Old, rec.New, err)
		}
		consistencies++
	}

	out, _ := json.Marshal(map[string]interface{}{
		"ok": true, "entries": len(entries), "checkpoints": len(roots), "latest": latest,
		"inclusion_proofs": inclusions, "consistency_proofs": consistencies,
		"stored_hashes": len(store),
	})
	fmt.Println(string(out))
}
