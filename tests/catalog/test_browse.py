"""Public catalog reads: filters, language, diacritic-free search, sorting, visibility, lookups, categories.

Expected sets come from catalog/data/catalog.json (tests/catalog/helpers.py), not from the database,
with a few hard-coded codes so the oracle cannot drift along with the code under test.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from app import clock
from tests.catalog import helpers as h
from tests.catalog.helpers import SERVICES, codes
from tests.support import Api

SERVICES_DETAIL = """
query ($filter: ServiceFilter, $first: Int, $after: String, $sort: ServiceSort, $lang: Language) {
  services(filter: $filter, first: $first, after: $after, sort: $sort, lang: $lang) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { code name audiences department { code name } category { code name }
      channels { channel processingDays feeAmount }
      plans { code name unit price { amount vatRate vatAmount amountWithVat } } } }
  }
}
"""

CATEGORIES = """
query ($lang: Language) {
  categories(lang: $lang) { code slug name parent { code } children { code name parent { code } children { code } } }
}
"""

DEPARTMENTS = "query ($lang: Language) { departments(lang: $lang) { code name } }"


async def found(client: Api, filter: dict[str, Any], token: str | None = None) -> set[str]:
    result = await client.gql(SERVICES, {"filter": filter, "first": 100}, token=token)
    connection = result.data["services"]
    assert connection["totalCount"] == len(connection["edges"])
    return set(codes(result))


def refusal(result: Any) -> tuple[str, str | None, str, str]:
    """The one top-level error of a refused query: code, field and both messages."""
    assert result.body["data"] in (None, {"service": None}), result.body
    [error] = result.errors
    ext = error["extensions"]
    return ext["code"], ext["field"], ext["messageVi"], ext["messageEn"]


async def test_seeded_catalog_is_public(client: Api, catalog: dict[str, int]) -> None:
    # given the seeded catalog; when an anonymous caller lists it
    result = await client.gql(SERVICES_DETAIL, {"first": 100, "sort": "CODE"})
    # then every seeded service is there, with its details
    connection = result.data["services"]
    assert catalog["services"] == len(h.seeded()) == 47
    assert connection["totalCount"] == 47
    assert [e["node"]["code"] for e in connection["edges"]] == sorted(h.seeded_codes())
    assert connection["pageInfo"] == {
        "hasNextPage": False,
        "hasPreviousPage": False,
        "endCursor": connection["edges"][-1]["cursor"],
    }
    vm = next(e["node"] for e in connection["edges"] if e["node"]["code"] == "HTS-DC-02")
    assert vm["name"] == "Máy chủ ảo trên nền tảng điện toán đám mây của tỉnh"
    assert vm["audiences"] == ["BUSINESS", "AGENCY"]
    hts = next(d for d in h.data()["departments"] if d["code"] == "HTS")
    assert vm["department"] == {"code": "HTS", "name": hts["name_vi"]}
    assert vm["category"]["code"] == "DIEN-TOAN-DAM-MAY"
    assert vm["channels"] == [
        {"channel": "ONLINE", "processingDays": 1, "feeAmount": 0},
        {"channel": "IN_PERSON", "processingDays": 2, "feeAmount": 0},
    ]
    assert [(p["code"], p["unit"], p["price"]) for p in vm["plans"]] == [
        (
            "BASIC",
            "VIRTUAL_MACHINE_MONTH",
            {"amount": 800_000, "vatRate": "RATE_10", "vatAmount": 80_000, "amountWithVat": 880_000},
        ),
        (
            "STANDARD",
            "VIRTUAL_MACHINE_MONTH",
            {"amount": 1_600_000, "vatRate": "RATE_10", "vatAmount": 160_000, "amountWithVat": 1_760_000},
        ),
        (
            "ADVANCED",
            "VIRTUAL_MACHINE_MONTH",
            {"amount": 3_200_000, "vatRate": "RATE_10", "vatAmount": 320_000, "amountWithVat": 3_520_000},
        ),
    ]


async def test_department_names_are_those_of_the_data_file(client: Api, catalog: dict[str, int]) -> None:
    # when departments are listed in both languages
    vi = (await client.gql(DEPARTMENTS, {"lang": "VI"})).data["departments"]
    en = (await client.gql(DEPARTMENTS, {"lang": "EN"})).data["departments"]
    # then they are the five of the data file, by code
    by_code = {d["code"]: d for d in h.data()["departments"]}
    assert [d["code"] for d in vi] == sorted(by_code) == ["HCQT", "HTDV", "HTS", "KHTH", "NCPT"]
    assert {d["code"]: d["name"] for d in vi} == {c: d["name_vi"] for c, d in by_code.items()}
    assert {d["code"]: d["name"] for d in en} == {c: d["name_en"] for c, d in by_code.items()}


async def test_category_filter_includes_sub_categories(client: Api, catalog: dict[str, int]) -> None:
    # given the seeded tree; when filtering by a parent category
    # then its children's services are included, and nothing else
    assert await found(client, {"category": "AN-TOAN-THONG-TIN"}) == {
        "HTS-ATTT-01", "HTS-ATTT-02", "HTS-ATTT-03", "HTS-ATTT-04", "HTS-ATTT-05",
    }  # fmt: skip
    assert await found(client, {"category": "ATTT-DANH-GIA"}) == {"HTS-ATTT-02", "HTS-ATTT-03", "HTS-ATTT-05"}
    assert await found(client, {"category": "dao-tao-attt"}) == {"HTDV-DT-03", "HTDV-DT-04"}  # code case ignored
    for category in h.data()["categories"]:
        family = h.category_and_children(category["code"])
        expected = h.seeded_codes(lambda s, family=family: s["category"] in family)
        assert await found(client, {"category": category["code"]}) == expected, category["code"]
    # an unknown category is refused, not an empty list
    result = await client.gql(SERVICES, {"filter": {"category": "KHONG-CO"}})
    assert refusal(result) == (
        "UNKNOWN_CATEGORY",
        "category",
        "Không có nhóm dịch vụ này.",
        "There is no such category.",
    )


async def test_audience_department_and_channel_filters(client: Api, catalog: dict[str, int]) -> None:
    for audience in ("CITIZEN", "BUSINESS", "AGENCY"):
        expected = h.seeded_codes(lambda s, a=audience: a.lower() in s["audiences"])
        assert await found(client, {"audience": audience}) == expected, audience
    assert await found(client, {"audience": "CITIZEN"}) >= {"HTDV-DT-05", "HTS-HTKT-01", "HCQT-TN-01"}
    assert "HTS-DC-01" not in await found(client, {"audience": "CITIZEN"})
    for department in h.data()["departments"]:
        code = department["code"]
        assert await found(client, {"department": code}) == h.seeded_codes(lambda s, c=code: s["department"] == c)
    assert await found(client, {"department": "khth"}) == {f"KHTH-TV-0{i}" for i in range(1, 6)}
    assert await found(client, {"department": "KHONG-CO"}) == set()
    for channel in ("ONLINE", "IN_PERSON", "POST"):
        expected = h.seeded_codes(lambda s, c=channel: c.lower() in [x["channel"] for x in s["channels"]])
        assert await found(client, {"channel": channel}) == expected, channel
    assert await found(client, {"channel": "POST"}) == {
        "HTS-ATTT-03", "NCPT-HT-01", "HTDV-PPP-01", "HTDV-HTQT-01", "KHTH-TV-01", "KHTH-TV-04",
    }  # fmt: skip
    # filters combine with AND
    both = await found(client, {"audience": "CITIZEN", "department": "HTDV", "channel": "ONLINE"})
    assert both == h.seeded_codes(lambda s: "citizen" in s["audiences"] and s["department"] == "HTDV") == {
        "HTDV-DT-01", "HTDV-DT-02", "HTDV-DT-03", "HTDV-DT-04", "HTDV-DT-05",
    }  # fmt: skip


async def test_price_filters_use_the_price_before_vat(client: Api, catalog: dict[str, int]) -> None:
    def priced(low: int | None, high: int | None) -> set[str]:
        return h.seeded_codes(
            lambda s: any(
                (low is None or p["price_amount"] >= low) and (high is None or p["price_amount"] <= high)
                for p in s["plans"]
            )
        )

    # 800 000 before VAT is 880 000 with VAT: only the amount before VAT counts
    assert await found(client, {"minPrice": 800_000, "maxPrice": 800_000}) == {"HTS-DC-02"}
    assert await found(client, {"minPrice": 880_000, "maxPrice": 880_000}) == set()
    assert await found(client, {"maxPrice": 0}) == {"HTDV-DT-05", "HTDV-PPP-01"}
    for low, high in [(None, 300_000), (100_000_000, None), (2_000_000, 3_000_000), (0, 100_000_000_000)]:
        assert await found(client, {"minPrice": low, "maxPrice": high}) == priced(low, high), (low, high)
    assert await found(client, {"minPrice": 300_000_000}) == {"HTDV-PPP-02"}
    # a service matches when one of its plans lies in the range, even if another does not
    assert "HTS-DC-01" in await found(client, {"maxPrice": 1_500_000})
    # refusals
    result = await client.gql(SERVICES, {"filter": {"minPrice": 2, "maxPrice": 1}})
    assert refusal(result) == (
        "INVALID_RANGE",
        "minPrice",
        "Giá tối thiểu lớn hơn giá tối đa.",
        "The minimum price exceeds the maximum.",
    )
    result = await client.gql(SERVICES, {"filter": {"maxPrice": -1}})
    assert refusal(result)[:2] == ("NEGATIVE_AMOUNT", "maxPrice")


async def test_price_filter_uses_the_price_in_force_today(
    client: Api, catalog: dict[str, int], manager: str, frozen_now: Any
) -> None:
    # given the VM service's BASIC plan (800 000) gets 777 000 from next month
    today = clock.local_today()
    change = today + timedelta(days=31)
    service = (await client.gql(h.SERVICE, {"code": "HTS-DC-02"})).data["service"]
    basic = next(p for p in service["plans"] if p["code"] == "BASIC")
    variables = {
        "planId": basic["id"],
        "price": {"amount": 777_000, "vatRate": "RATE_10", "effectiveFrom": change.isoformat()},
    }
    assert (await client.gql(h.SCHEDULE, variables, manager)).data["schedulePriceChange"]["errors"] == []
    # when filtering today, then the announced price does not match yet and the current one does
    assert await found(client, {"minPrice": 777_000, "maxPrice": 777_000}) == set()
    assert await found(client, {"minPrice": 800_000, "maxPrice": 800_000}) == {"HTS-DC-02"}
    # when the date has come, then it is the other way round
    frozen_now(datetime.combine(change, time(12), tzinfo=UTC))
    assert await found(client, {"minPrice": 777_000, "maxPrice": 777_000}) == {"HTS-DC-02"}
    assert await found(client, {"minPrice": 800_000, "maxPrice": 800_000}) == set()


async def test_text_search_ignores_diacritics_case_and_word_order(client: Api, catalog: dict[str, int]) -> None:
    def oracle(text: str) -> set[str]:
        words = h.plain(text).split()

        def matches(s: dict[str, Any]) -> bool:
            fields = [s["code"], s["name_vi"], s["name_en"], s["summary_vi"], s["summary_en"], *s["tags"]]
            haystack = h.plain(" ".join(fields))
            return all(word in haystack for word in words)

        return h.seeded_codes(matches)

    training = await found(client, {"text": "dao tao an toan"})
    assert {"HTDV-DT-03", "HTDV-DT-04"} <= training
    assert training == oracle("dao tao an toan")
    assert len(training) < 47
    assert await found(client, {"text": "Đào tạo AN TOÀN"}) == training
    assert await found(client, {"text": "an toan   dao TAO"}) == training
    assert await found(client, {"text": "dao tao an toan thong tin cho can bo"}) == oracle(
        "dao tao an toan thong tin cho can bo"
    )
    assert await found(client, {"text": "cong chuc dao tao an toan"}) == {"HTDV-DT-03"}  # HTDV-DT-04 lacks "công chức"
    assert await found(client, {"text": "MAY CHU AO"}) == oracle("may chu ao") >= {"HTS-DC-02"}
    assert await found(client, {"text": "máy chủ ảo"}) == await found(client, {"text": "may chu ao"})
    assert await found(client, {"text": "colocation"}) == {"HTS-DC-01"}  # English name and tags count
    assert await found(client, {"text": "ĐÀO TẠO xyzzy"}) == set()  # every word must match
    # LIKE wildcards are literal characters: none of the seeded texts holds one
    assert await found(client, {"text": "%"}) == set()
    assert await found(client, {"text": "_"}) == set()
    assert await found(client, {"text": "dao%tao"}) == set()
    assert await found(client, {"text": "hts_dc"}) == set()  # "_" would match the "-" of HTS-DC-01
    assert await found(client, {"text": "\\"}) == set()
    assert await found(client, {"text": "   "}) == h.seeded_codes()  # no words: no text filter


async def test_text_search_finds_wildcard_characters_literally(
    client: Api, catalog: dict[str, int], manager: str
) -> None:
    # given published services whose texts hold "%" and "_"
    await h.published_service(client, manager, "WEB_100", nameVi="Lưu trữ web trực tuyến 100% dung lượng SSD")
    # when searching for the characters themselves, then only those services are found
    assert await found(client, {"text": "%"}) == {"WEB_100"}
    assert await found(client, {"text": "100%"}) == {"WEB_100"}
    assert await found(client, {"text": "_"}) == {"WEB_100"}
    assert await found(client, {"text": "web_1"}) == {"WEB_100"}
    assert await found(client, {"text": "DUNG LUONG ssd"}) == {"WEB_100"}


async def test_language_by_argument_header_and_fallback(client: Api, catalog: dict[str, int], manager: str) -> None:
    vm_vi = "Máy chủ ảo trên nền tảng điện toán đám mây của tỉnh"
    vm_en = "Cloud virtual servers on the provincial cloud platform"
    query = "query ($lang: Language, $code: String) { service(code: $code, lang: $lang) { name summary plans { name } department { name } category { name } } }"
    # Vietnamese by default
    vi = (await client.gql(query, {"code": "HTS-DC-02"})).data["service"]
    assert vi["name"] == vm_vi
    assert vi["plans"][0]["name"] == "Cơ bản: 2 vCPU, 4 GB RAM, 80 GB SSD"
    cloud = next(c for c in h.data()["categories"] if c["code"] == "DIEN-TOAN-DAM-MAY")
    assert vi["category"]["name"] == cloud["name_vi"] != cloud["name_en"]
    # lang: EN
    en = (await client.gql(query, {"code": "HTS-DC-02", "lang": "EN"})).data["service"]
    assert en["name"] == vm_en
    assert en["summary"].startswith("Virtual servers with flexible CPU")
    assert en["category"]["name"] == "Cloud & storage"
    assert en["department"]["name"] == next(d["name_en"] for d in h.data()["departments"] if d["code"] == "HTS")
    # Accept-Language header
    header = {"Accept-Language": "en-US,en;q=0.9"}
    assert (await client.gql(query, {"code": "HTS-DC-02"}, headers=header)).data["service"]["name"] == vm_en
    other = {"Accept-Language": "fr-FR,en;q=0.3,vi;q=0.8"}
    assert (await client.gql(query, {"code": "HTS-DC-02"}, headers=other)).data["service"]["name"] == vm_vi
    for accept, expected in (
        ("en, vi", vm_en),
        ("vi, en", vm_vi),
        ("de", vm_vi),
        ("EN-gb;q=0.5", vm_en),
        ("en;q=abc, vi;q=0.1", vm_vi),
    ):
        seen = await client.gql(query, {"code": "HTS-DC-02"}, headers={"Accept-Language": accept})
        assert seen.data["service"]["name"] == expected, accept  # equal weights: the first listed wins
    # the argument wins over the header
    assert (await client.gql(query, {"code": "HTS-DC-02", "lang": "VI"}, headers=header)).data["service"][
        "name"
    ] == vm_vi
    # lists too
    listed = await client.gql(SERVICES, {"filter": {"text": "HTS-DC-02"}, "lang": "EN"})
    assert [e["node"]["name"] for e in listed.data["services"]["edges"]] == [vm_en]
    # given a published service without English texts, when read in English, then Vietnamese is shown
    await h.published_service(client, manager, "NO-EN-01", nameVi="Dịch vụ chưa dịch", nameEn=None)
    fallback = (await client.gql(query, {"code": "NO-EN-01", "lang": "EN"})).data["service"]
    assert fallback["name"] == "Dịch vụ chưa dịch"
    assert (await client.gql(query, {"code": "NO-EN-01"}, headers=header)).data["service"][
        "name"
    ] == "Dịch vụ chưa dịch"
    names = (await client.gql(h.SERVICE, {"code": "NO-EN-01"})).data["service"]["names"]
    assert names == {"vi": "Dịch vụ chưa dịch", "en": ""}


async def test_sorts_give_their_order(client: Api, catalog: dict[str, int]) -> None:
    for sort in ("NAME", "CODE", "PRICE_ASC", "PRICE_DESC"):
        result = await client.gql(SERVICES, {"sort": sort, "first": 100})
        assert codes(result) == h.expected_order(sort), sort
    by_name = codes(await client.gql(SERVICES, {"sort": "NAME", "first": 100}))
    # "Đào tạo…" sorts with the D's, before "Giám sát…" (a plain code-point sort puts Đ after Z)
    assert by_name.index("HTDV-DT-03") < by_name.index("HTS-ATTT-01")
    assert by_name[0] == "HTDV-DVS-04"  # "Bảo trì, nâng cấp phần mềm"
    by_code = codes(await client.gql(SERVICES, {"sort": "CODE", "first": 3}))
    assert by_code == ["HCQT-SK-01", "HCQT-SK-02", "HCQT-TN-01"]
    # free services first; equal prices keep insertion order
    cheapest = codes(await client.gql(SERVICES, {"sort": "PRICE_ASC", "first": 2}))
    assert cheapest == ["HTDV-DT-05", "HTDV-PPP-01"]
    dearest = codes(await client.gql(SERVICES, {"sort": "PRICE_DESC", "first": 2}))
    assert dearest == h.expected_order("PRICE_DESC")[:2]
    assert h.min_price(next(s for s in h.seeded() if s["code"] == dearest[0])) == max(map(h.min_price, h.seeded()))


async def test_drafts_and_retired_services_are_for_catalog_staff_only(
    client: Api, catalog: dict[str, int], manager: str
) -> None:
    # given a draft and a retired service
    await h.create_service(client, manager, "DRAFT-01", nameVi="Dịch vụ nháp")
    retired = await h.published_service(client, manager, "OLD-01", nameVi="Dịch vụ cũ")
    retire = await client.gql(h.RETIRE, {"code": "OLD-01", "version": retired["version"]}, manager)
    assert retire.data["retireService"]["errors"] == []
    customer = await client.customer("khach@example.vn")
    for token in (None, customer):
        # when an anonymous caller or a customer lists or looks them up, then they do not exist
        listed = await client.gql(SERVICES, {"first": 100}, token=token)
        assert listed.data["services"]["totalCount"] == 47
        assert set(codes(listed)) == h.seeded_codes()
        assert await found(client, {"text": "dich vu nhap"}, token) == set()
        for code in ("DRAFT-01", "OLD-01"):
            assert (await client.gql(h.SERVICE, {"code": code}, token)).data["service"] is None
        assert await found(client, {"statuses": ["PUBLISHED"]}, token) == h.seeded_codes()
        # and asking for them is refused
        for statuses in (["DRAFT"], ["RETIRED"], ["PUBLISHED", "DRAFT"]):
            result = await client.gql(SERVICES, {"filter": {"statuses": statuses}}, token)
            assert refusal(result) == (
                "FORBIDDEN",
                None,
                "Bạn không có quyền thực hiện thao tác này.",
                "You are not allowed to do this.",
            )
    # when the catalog manager asks, then each status gives its services
    assert await found(client, {"statuses": ["DRAFT"]}, manager) == {"DRAFT-01"}
    assert await found(client, {"statuses": ["RETIRED"]}, manager) == {"OLD-01"}
    assert await found(client, {"statuses": ["DRAFT", "RETIRED"]}, manager) == {"DRAFT-01", "OLD-01"}
    assert await found(client, {"statuses": ["DRAFT", "PUBLISHED", "RETIRED"]}, manager) == h.seeded_codes() | {
        "DRAFT-01",
        "OLD-01",
    }
    assert await found(client, {}, manager) == h.seeded_codes()  # published by default, staff too
    assert await found(client, {"statuses": ["DRAFT"], "text": "nhap"}, manager) == {"DRAFT-01"}
    draft = (await client.gql(h.SERVICE, {"code": "DRAFT-01"}, manager)).data["service"]
    assert (draft["code"], draft["status"]) == ("DRAFT-01", "DRAFT")


async def test_one_service_by_code_or_slug(client: Api, catalog: dict[str, int]) -> None:
    by_code = (await client.gql(h.SERVICE, {"code": "HTS-DC-02"})).data["service"]
    assert by_code["slug"] == "may-chu-ao-tren-nen-tang-dien-toan-dam-may"
    assert by_code["status"] == "PUBLISHED"
    assert [p["price"]["effectiveFrom"] for p in by_code["plans"]] == [
        clock.local_today().replace(month=1, day=1).isoformat()
    ] * 3
    assert (await client.gql(h.SERVICE, {"slug": by_code["slug"]})).data["service"] == by_code
    assert (await client.gql(h.SERVICE, {"code": " hts-dc-02 "})).data["service"] == by_code
    assert (await client.gql(h.SERVICE, {"slug": " May-Chu-Ao-Tren-Nen-Tang-Dien-Toan-Dam-May "})).data[
        "service"
    ] == by_code
    assert (await client.gql(h.SERVICE, {"code": "HTS-DC-99"})).data["service"] is None
    assert (await client.gql(h.SERVICE, {"slug": "khong-co"})).data["service"] is None
    for variables in ({}, {"code": "HTS-DC-02", "slug": by_code["slug"]}, {"code": None, "slug": None}):
        result = await client.gql(h.SERVICE, variables)
        assert refusal(result) == (
            "ONE_OF_CODE_OR_SLUG",
            "code",
            "Cần đúng một trong hai: mã hoặc slug.",
            "Give exactly one of code or slug.",
        )
        assert result.errors[0]["message"] == "Cần đúng một trong hai: mã hoặc slug."
    english = await client.gql(h.SERVICE, {}, headers={"Accept-Language": "en"})
    assert english.errors[0]["message"] == "Give exactly one of code or slug."


async def test_categories_are_a_tree(client: Api, catalog: dict[str, int]) -> None:
    tree = (await client.gql(CATEGORIES)).data["categories"]
    top = [c for c in h.data()["categories"] if not c.get("parent")]
    assert [c["code"] for c in tree] == [c["code"] for c in sorted(top, key=lambda c: c["position"])] == [
        "HA-TANG-SO", "AN-TOAN-THONG-TIN", "DAO-TAO", "TU-VAN", "CONG-NGHE-MOI", "DICH-VU-SO", "CO-SO-VAT-CHAT", "HOP-TAC",
    ]  # fmt: skip
    for node in tree:
        assert node["parent"] is None
        children = sorted(
            (c for c in h.data()["categories"] if c.get("parent") == node["code"]), key=lambda c: c["position"]
        )
        assert [c["code"] for c in node["children"]] == [c["code"] for c in children], node["code"]
        assert [c["name"] for c in node["children"]] == [c["name_vi"] for c in children]
        for child in node["children"]:
            assert child["parent"] == {"code": node["code"]}
            assert child["children"] == []
    assert sum(1 + len(node["children"]) for node in tree) == len(h.data()["categories"]) == 29
    assert [c["code"] for c in tree[0]["children"]] == [
        "TRUNG-TAM-DU-LIEU",
        "DIEN-TOAN-DAM-MAY",
        "TEN-MIEN-THU-DIEN-TU",
        "MANG-KET-NOI",
    ]
    english = (await client.gql(CATEGORIES, {"lang": "EN"})).data["categories"]
    assert [c["name"] for c in english][:3] == ["Digital infrastructure & data center", "Cybersecurity", "Training"]
    assert tree[0]["name"] == "Hạ tầng số và trung tâm dữ liệu"
    assert tree[0]["slug"] == "ha-tang-so"
