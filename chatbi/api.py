"""The HTTP JSON API for the systems where people already work (office chat bots, portals).

Bearer tokens (``chatbi users token NAME``) map to ChatBI users and their catalog roles, so
row-level security applies exactly as in the app. OpenAPI at /openapi.json, docs at /docs.
"""


import datetime as dt
import logging
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, model_validator

from chatbi.appdb import AppDBError
from chatbi.appdb.users import Account
from chatbi.service import AS_OF_RANGE, ChatService, PermissionDenied
from semantic_layer import SemanticQuery

log = logging.getLogger(__name__)
bearer = HTTPBearer(auto_error=False, description="an API token from `chatbi users token NAME`")
MAX_ID = 2**31 - 1  # ids are INTEGER columns in every app database
EventId = Annotated[int, Path(ge=1, le=MAX_ID, description="event_id of an earlier answer")]


class AskIn(BaseModel):
    question: str = Field(min_length=1, max_length=2000, examples=["近三个月杭州的欠费金额"])
    as_of: dt.date | None = Field(None, ge=AS_OF_RANGE[0], le=AS_OF_RANGE[1],
                                  description="reference date; default: the data's latest date")
    follow_up_of: int | None = Field(None, ge=1, le=MAX_ID,
                                     description="event_id of the answer this question may refine "
                                                 "(按渠道类型拆开, 只看杭州, 换成去年同期)")


class PickIn(BaseModel):
    index: int = Field(ge=0, le=100, description="0-based position in the answer's candidates")


class FeedbackIn(BaseModel):
    rating: Literal[1, -1] = Field(description="1 = 👍, -1 = 👎")
    comment: str = Field("", max_length=2000)


class SqlIn(BaseModel):
    sql: str = Field(min_length=1, max_length=100_000)
    max_rows: int = Field(1000, ge=1, le=5000)


class VerifyIn(BaseModel):
    question: str = Field(min_length=1, max_length=2000)
    interpretation: SemanticQuery | None = None
    sql: str = ""
    source_event_id: int | None = Field(None, ge=1, le=MAX_ID)
    note: str = Field("", max_length=2000)

    @model_validator(mode="after")
    def _one(self) -> "VerifyIn":
        if (self.interpretation is None) == (not self.sql.strip()):
            raise ValueError("give either interpretation or sql")
        return self


class DashboardRunIn(BaseModel):
    filters: dict[str, Any] = Field(default_factory=dict, examples=[{"city": ["杭州"], "period": "last_3_months"}])


def create_app(service: ChatService) -> FastAPI:
    app = FastAPI(title="ChatBI API", version="1", description=__doc__)

    def account(request: Request, creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> Account:
        if creds is None or creds.scheme.lower() != "bearer":
            raise HTTPException(401, "Send an API token: 'Authorization: Bearer <token>' (chatbi users token NAME).",
                                headers={"WWW-Authenticate": "Bearer"})
        found = service.db.users.by_token(creds.credentials)
        if found is None:
            raise HTTPException(401, "The token is unknown, revoked, or its user is disabled.",
                                headers={"WWW-Authenticate": "Bearer"})
        return found

    Who = Annotated[Account, Depends(account)]

    @app.exception_handler(PermissionDenied)
    def _forbidden(_request, exc: PermissionDenied):
        return JSONResponse({"detail": str(exc)}, status_code=403)

    @app.exception_handler(RequestValidationError)
    def _invalid(_request, exc: RequestValidationError):
        # The submitted value is left out: it may be NaN or bytes, which JSON cannot carry.
        problems = [{"field": ".".join(str(p) for p in e.get("loc", ()) if p != "body"), "problem": e.get("msg", "")}
                    for e in exc.errors()]
        hint = "; ".join(f"{p['field']}: {p['problem']}" for p in problems)
        return JSONResponse({"detail": f"Fix the request and send it again — {hint}", "errors": problems},
                            status_code=422)

    @app.exception_handler(Exception)
    def _internal(_request, exc: Exception):
        log.exception("API request failed")
        return JSONResponse({"detail": "Internal error; the server log has the details."},
                            status_code=500)

    @app.exception_handler(AppDBError)
    def _bad_request(_request, exc: AppDBError):
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.get("/v1/health", tags=["service"])
    def health() -> dict:
        """No token needed: for load balancers."""
        bi = service.bi
        if bi.verified is not None:
            bi.verified.refresh()  # a revision check; loads the store only after a change (or a restart)
        return {"status": "ok", "warehouse": bi.warehouse.location, "dialect": bi.warehouse.dialect,
                "model": bi.model_id or ("not loaded" if bi._use_model else "rules only"),
                "reference_date": str(bi.reference_date()), "verified_answers": len(bi.verified or [])}

    @app.post("/v1/ask", tags=["questions"])
    def ask(body: AskIn, who: Who) -> dict:
        """An answer, a clarification (pick one of ``candidates``) or a refusal with suggestions."""
        return service.ask(body.question, who, client="api", as_of=body.as_of,
                           follow_up_of=body.follow_up_of).to_dict()

    @app.post("/v1/answers/{event_id}/pick", tags=["questions"])
    def pick(event_id: EventId, body: PickIn, who: Who) -> dict:
        return service.pick(event_id, body.index, who, client="api").to_dict()

    @app.post("/v1/answers/{event_id}/feedback", tags=["questions"])
    def feedback(event_id: EventId, body: FeedbackIn, who: Who) -> dict:
        return {"feedback_id": service.rate(event_id, who, body.rating, body.comment)}

    @app.get("/v1/metrics", tags=["catalog"])
    def metrics(who: Who) -> list[dict]:
        visible = service.bi.visible_metrics(who.as_user())
        cat = service.bi.catalog
        return [{"id": m, "name": cat.metrics[m].name.zh, "name_en": cat.metrics[m].name.en,
                 "unit": cat.metrics[m].unit.zh, "description": cat.metrics[m].description.zh,
                 "samples": cat.metrics[m].samples.zh} for m in visible]

    @app.get("/v1/dashboards", tags=["dashboards"])
    def dashboards(who: Who) -> list[dict]:
        return [{"id": d.id, "name": d.name, "owner": d.owner, "filters": d.filters, "tiles": len(d.tiles)}
                for d in service.db.dashboards.list_for(who.name, who.role)]

    @app.post("/v1/dashboards/{dashboard_id}/run", tags=["dashboards"])
    def run_dashboard(dashboard_id: Annotated[int, Path(ge=1, le=MAX_ID)], body: DashboardRunIn, who: Who) -> dict:
        try:
            board, results = service.run_dashboard(dashboard_id, who, body.filters, client="api")
        except ValueError as exc:
            raise HTTPException(400, str(exc)) from None
        return {"id": board.id, "name": board.name, "filters": {**board.filters, **body.filters},
                "tiles": [{"id": r.tile.id, "title": r.tile.title, "answer": r.answer.to_dict()} for r in results]}

    @app.post("/v1/sql", tags=["analysts"])
    def sql(body: SqlIn, who: Who) -> dict:
        """Analysts only: guarded, read-only, row filters applied; the result is marked unverified."""
        service.require_analyst(who, "run SQL")
        return service.sql(body.sql, who, client="api", max_rows=body.max_rows).to_dict()

    @app.get("/v1/review", tags=["analysts"])
    def review(who: Who, days: Annotated[int, Query(ge=1, le=3650, description="look back this many days")] = 90
               ) -> list[dict]:
        service.require_analyst(who, "read the review queue")
        return [i.__dict__ | {"last_ts": i.last_ts.isoformat()} for i in service.db.review.items(days=days)]

    @app.post("/v1/verified", tags=["analysts"])
    def verify(body: VerifyIn, who: Who) -> dict:
        """Save a correction as the verified answer to a question; it must run cleanly first."""
        new_id = service.verify(body.question, who, interpretation=body.interpretation, sql=body.sql,
                                source_event_id=body.source_event_id, note=body.note)
        return {"verified_id": new_id}

    return app
