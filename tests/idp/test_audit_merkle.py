"""Merkle tree hashing and proofs (RFC 9162 2.1), tree heads, inclusion proofs
for a citizen's records, and the old hash chain after the upgrade."""
import hashlib
import json

import pytest
from hypothesis import given, settings, strategies as st
from sqlalchemy import text

from idp.audit import merkle
from idp.audit.log import GENESIS, inclusion_proof, record, seal, verify
from idp.audit.signing import key_resolver, signer


def _leaves(n):
    return [merkle.leaf_hash(str(i).encode()) for i in range(n)]


def _recursive_root(leaves):
    """MTH straight from RFC 9162's definition."""
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return merkle.node_hash(_recursive_root(leaves[:k]), _recursive_root(leaves[k:]))


@given(st.integers(min_value=1, max_value=70))
def test_root_and_frontier_match_the_definition(n):
    leaves = _leaves(n)
    frontier = merkle.Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    assert merkle.root(leaves) == _recursive_root(leaves) == frontier.root()
    again = merkle.Frontier.from_hex(frontier.size, frontier.to_hex())
    assert again.root() == frontier.root()


@settings(max_examples=60)
@given(st.integers(min_value=1, max_value=40), st.data())
def test_inclusion_proofs_verify_and_wrong_ones_do_not(n, data):
    leaves = _leaves(n)
    index = data.draw(st.integers(min_value=0, max_value=n - 1))
    path = merkle.inclusion_path(index, leaves)
    r = merkle.root(leaves)
    assert merkle.verify_inclusion(index, n, leaves[index], path, r)
    assert not merkle.verify_inclusion(index, n, merkle.leaf_hash(b"other"), path, r)
    if n > 1:
        assert not merkle.verify_inclusion((index + 1) % n, n, leaves[index], path, r)


@settings(max_examples=60)
@given(st.integers(min_value=1, max_value=40), st.data())
def test_consistency_proofs_verify_and_a_rewritten_history_does_not(m, data):
    n = data.draw(st.integers(min_value=m, max_value=45))
    leaves = _leaves(n)
    proof = merkle.consistency_proof(m, leaves)
    assert merkle.verify_consistency(m, n, merkle.root(leaves[:m]), merkle.root(leaves), proof)
    if m < n:
        forged = leaves[:]
        forged[0] = merkle.leaf_hash(b"rewritten")
        assert not merkle.verify_consistency(m, n, merkle.root(forged[:m]), merkle.root(leaves), proof)


def test_heads_are_signed_by_the_idp_key_and_a_forged_head_is_refused(idp):
    with idp.db.transaction() as s:
        record(s, "test.event", n=1)
        first = seal(s, signer(idp.keys))
        assert first.tree_size == 1 and first.kid.startswith("es256-")
        assert seal(s, signer(idp.keys)) is None  # nothing new
        record(s, "test.event", n=2)
        seal(s, signer(idp.keys))
    with idp.db.transaction() as s:
        assert verify(s, key_resolver(s)).ok
        # a head re-signed with a key the IdP never had
        from cryptography.hazmat.primitives.asymmetric import ec
        from joserfc import jws
        from joserfc.jwk import ECKey

        rogue = ECKey.import_key(ec.generate_private_key(ec.SECP256R1()))
        head = s.execute(text("SELECT tree_size, root_hash, kid FROM audit_tree_head WHERE tree_size = 2")).one()
        payload = json.dumps({"tree_size": 2, "root_hash": head.root_hash, "timestamp": 0}).encode()
        forged = jws.serialize_compact({"alg": "ES256", "kid": head.kid}, payload, rogue)
        s.execute(text("UPDATE audit_tree_head SET signature = :sig WHERE tree_size = 2"), {"sig": forged})
    with idp.db.transaction() as s:
        report = verify(s, key_resolver(s))
    assert not report.ok and report.reason == "head_signature"


def test_a_record_rewritten_together_with_its_leaf_hash_breaks_the_signed_root(idp):
    with idp.db.transaction() as s:
        for i in range(6):
            record(s, "test.event", n=i)
        seal(s, signer(idp.keys))
        for i in range(3):
            record(s, "test.event", n=10 + i)
        seal(s, signer(idp.keys))
    with idp.db.transaction() as s:
        s.execute(text("UPDATE audit_event SET data = :d WHERE seq = 8"), {"d": '{"n": 99}'})
        from idp.audit.log import leaf_of
        from idp.audit.models import AuditEvent

        s.expire_all()
        row = s.get(AuditEvent, 8)
        row.leaf_hash = leaf_of(row).hex()  # the attacker also fixes the leaf hash
    with idp.db.transaction() as s:
        report = verify(s, key_resolver(s))
    assert not report.ok and report.reason == "head_mismatch"
    assert report.first_bad_seq == 7 and report.checked == 6  # the first record after the last good head


def test_inclusion_proof_of_a_citizens_record_checks_against_the_signed_head(idp):
    with idp.db.transaction() as s:
        seqs = [record(s, "test.event", subject="acc-1" if i % 3 == 0 else None, n=i).seq for i in range(11)]
    with idp.db.transaction() as s:
        assert inclusion_proof(s, seqs[3]) is None  # not sealed yet
        seal(s, signer(idp.keys))
    with idp.db.transaction() as s:
        proof = inclusion_proof(s, seqs[3])
        key = key_resolver(s)(proof["kid"])
    from joserfc import jws

    head = json.loads(jws.deserialize_compact(proof["signed_tree_head"], key).payload)
    assert head["tree_size"] == proof["tree_size"] == 11
    assert merkle.verify_inclusion(proof["leaf_index"], proof["tree_size"], bytes.fromhex(proof["leaf_hash"]),
                                   [bytes.fromhex(p) for p in proof["audit_path"]], bytes.fromhex(head["root_hash"]))


def test_records_of_the_old_hash_chain_stay_verifiable(idp):
    """Records written before the tree (with prev_hash/hash) are checked as a
    chain and then sealed into the tree like any other."""
    from idp.audit.log import _chain_digest
    from idp.audit.models import AuditEvent
    from idp.db import utcnow

    with idp.db.transaction() as s:
        prev = GENESIS
        for i in range(3):
            e = AuditEvent(at=utcnow(), event="old.event", actor="system", subject=None, data={"n": i})
            e.prev_hash, e.hash = prev, _chain_digest(prev, e)
            prev = e.hash
            s.add(e)
        s.flush()
        record(s, "new.event", n=3)
    with idp.db.transaction() as s:
        assert verify(s).ok
        seal(s, signer(idp.keys))
    with idp.db.transaction() as s:
        report = verify(s, key_resolver(s))
        assert report.ok and report.checked == 4
        s.execute(text("UPDATE audit_event SET data = :d WHERE seq = 2"), {"d": '{"n": 7}'})
    with idp.db.transaction() as s:
        report = verify(s, key_resolver(s))
    assert not report.ok and report.reason == "chain_broken" and report.first_bad_seq == 2


def test_cli_seals_verifies_and_prints_a_proof(idp, app, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from idp.cli import main

    with idp.db.transaction() as s:
        seq = record(s, "test.event", n=1).seq
    monkeypatch.setenv("IDP_DATABASE_URL", idp.settings.database_url)
    monkeypatch.setenv("IDP_ENV", "test")
    runner = CliRunner()
    result = runner.invoke(main, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "ok: 1 records under 1 signed tree heads" in result.output
    result = runner.invoke(main, ["audit", "proof", str(seq)])
    assert result.exit_code == 0 and json.loads(result.output)["tree_size"] == 1
