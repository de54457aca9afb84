"""Generated documents (contracts, appendices, acceptance minutes): stored versions, the Word layout
Vietnamese agencies use, the wording legal staff edit, and who may download them.

- `store`: a version per change of the data it was made from, with its snapshot, SHA-256 and author;
- `subjects`: each domain registers who may see the documents of its subjects (the kernel imports no domain);
- `layout`: python-docx helpers for the Decree 30/2020 layout, deterministic bytes;
- `texts`: the fixed wording, from TOML files legal staff edit (or their own folder, DOCUMENT_TEXTS_DIR);
- `parties`: the two sides of a contract, checked complete before anything is rendered;
- `http`: GET /documents/{id};
- `convert`: docx → PDF → PNG with LibreOffice and poppler, for looking at them.
"""

from enum import StrEnum

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class DocumentKind(StrEnum):
    SERVICE_CONTRACT = "service_contract"  # Hợp đồng cung cấp dịch vụ (billing, from an accepted quote)
    PROJECT_APPENDIX = "project_appendix"  # Phụ lục hợp đồng: the milestone schedule (projects)
    ACCEPTANCE_MINUTES = "acceptance_minutes"  # Biên bản nghiệm thu of an accepted milestone (projects)
