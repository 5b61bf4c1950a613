# Run by the Plone virtualenv's `zconsole run ZOPE.CONF build_site.py PLAN.json RESULT.json` (Zope offline:
# the FileStorage is locked by whoever opens it). Builds the site from the plan through Plone's own API
# (plone.api, the Classic UI distribution) and writes {"uids": {KEY: UID}, "paths": {KEY: PATH}, "timings": ...}.
# `app` is provided by zconsole.
import json
import sys
import time
from datetime import datetime
from io import BytesIO

import transaction
from AccessControl.SecurityManagement import newSecurityManager
from DateTime import DateTime
from PIL import Image, ImageDraw
from plone.base.interfaces.syndication import ISiteSyndicationSettings
from plone.i18n.normalizer.interfaces import IUserPreferredURLNormalizer
from plone.registry.interfaces import IRegistry
from Products.CMFPlone.factory import addPloneSite
from Testing.makerequest import makerequest
from zope.component import getUtility
from zope.component.hooks import setSite

started = time.monotonic()
plan_path, result_path = sys.argv[-2], sys.argv[-1]
with open(plan_path, encoding="utf-8") as handle:
    plan = json.load(handle)

app = makerequest(app)  # noqa: F821 (zconsole's global)
app.REQUEST["PARENTS"] = [app]
if app.acl_users.getUser("admin") is None:
    app.acl_users._doAddUser("admin", plan.get("admin_password", "admin"), ["Manager"], [])
admin = app.acl_users.getUser("admin")
newSecurityManager(None, admin.__of__(app.acl_users))

site_spec = plan["site"]
if site_spec["id"] in app.objectIds():
    app.manage_delObjects([site_spec["id"]])
site = addPloneSite(
    app, site_spec["id"], title=site_spec["title"], description=site_spec["description"],
    distribution_name="classic", setup_content=False,
    default_language=site_spec["language"], portal_timezone=site_spec["timezone"],
)
setSite(site)
site.portal_setup.runAllImportStepsFromProfile("profile-plone.restapi:default")
timings = {"site": time.monotonic() - started}

from plone import api  # after setSite: plone.api needs the site hook
from plone.app.textfield.value import RichTextValue
from plone.namedfile.file import NamedBlobFile, NamedBlobImage

# Stock Classic UI settings but two: the byline may show who wrote an item to anonymous visitors (it shows
# at all only with plone.display_publication_date_in_byline, which the harness switches), and folders and
# collections have feeds (/RSS, /rss.xml, /atom.xml) as well as the site root.
api.portal.set_registry_record("plone.allow_anon_views_about", True)
syndication = getUtility(IRegistry).forInterface(ISiteSyndicationSettings)
syndication.default_enabled = True
api.portal.set_registry_record("plone.portal_timezone", site_spec["timezone"])

for user in plan["users"]:
    api.user.create(email=user["email"], username=user["id"], password="Muninews-Plone-18!",
                    roles=("Member", "Contributor"), properties={"fullname": user["fullname"]})


def jpeg(colour, label, size=(960, 600)):
    image = Image.new("RGB", size, tuple(colour))
    draw = ImageDraw.Draw(image)
    for step in range(0, size[0], 60):
        draw.line([(step, 0), (size[0] - step, size[1])], fill=(255, 255, 255), width=3)
    draw.rectangle([40, 40, 40 + 12 * len(label), 80], fill=(255, 255, 255))
    draw.text((50, 50), label, fill=(0, 0, 0))
    out = BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def container_at(path):
    obj = site
    for part in [p for p in path.split("/") if p]:
        obj = obj[part]
    return obj


def publish(obj, effective=None):
    if effective:
        obj.setEffectiveDate(DateTime(effective))
    if api.content.get_state(obj=obj, default=None) is not None:  # Files and Images have no workflow
        api.content.transition(obj=obj, transition="publish")
    if effective:
        obj.setEffectiveDate(DateTime(effective))


def settle(obj, modified):
    """The modification date last (every change before bumps it), catalogued without bumping it again."""
    obj.setModificationDate(DateTime(modified))
    obj.reindexObject(idxs=["modified", "effective", "Creator", "listCreators", "review_state"])


uids, paths = {}, {}
for folder in plan["folders"]:
    parent_path, _, folder_id = folder["path"].rpartition("/")
    obj = api.content.create(container=container_at(parent_path), type="Folder", id=folder_id, title=folder["title"])
    if folder.get("exclude_from_nav"):
        obj.exclude_from_nav = True
    publish(obj, "2025-01-02T08:00:00+07:00")
    collection = folder.get("collection")
    if collection:
        coll = api.content.create(
            container=obj, type="Collection", id=collection["id"], title=collection["title"],
            query=[
                {"i": "portal_type", "o": "plone.app.querystring.operation.selection.any", "v": ["News Item"]},
                {"i": "review_state", "o": "plone.app.querystring.operation.selection.any", "v": ["published"]},
            ],
            sort_on="effective", sort_reversed=True, item_count=collection["batch"],
        )
        coll.setLayout("summary_view")
        publish(coll, "2025-01-02T08:00:00+07:00")
        obj.setDefaultPage(collection["id"])
        uids["collection"] = coll.UID()
        syndication.site_rss_items = (coll.UID(),)
        paths["collection"] = "/".join(coll.getPhysicalPath()[2:])
    obj.reindexObject()
    paths["folder:" + folder["path"]] = folder["path"]

for image in plan["images"]:
    obj = api.content.create(
        container=container_at(image["folder"]), type="Image", id=image["id"], title=image["title"],
        image=NamedBlobImage(data=jpeg(image["colour"], image["title"]), filename=image["id"]),
    )
    uids[image["key"]] = obj.UID()
    paths[image["key"]] = "/".join(obj.getPhysicalPath()[2:])
timings["images"] = time.monotonic() - started


def fill(text):
    for key, uid in uids.items():
        text = text.replace(f"{{{{uid:{key}}}}}", uid)
    return text


def choose_id(container, title):
    """The id Plone's name chooser makes from a title (normalised, -1, -2... when taken)."""
    name = IUserPreferredURLNormalizer(container.REQUEST).normalize(title)
    candidate, number = name, 0
    while candidate in container.objectIds():
        number += 1
        candidate = f"{name}-{number}"
    return candidate


def create_item(spec):
    fields = {"title": spec["title"], "description": spec.get("description", "")}
    if spec.get("text"):
        fields["text"] = RichTextValue(fill(spec["text"]), "text/html", "text/x-html-safe")
    if spec["type"] == "News Item" and spec.get("lead_image"):
        lead = spec["lead_image"]
        fields["image"] = NamedBlobImage(data=jpeg(lead["colour"], spec["key"]), filename=lead["filename"])
        fields["image_caption"] = lead["caption"]
    if spec["type"] == "Event":
        import pytz  # plone.app.event's own (a zoneinfo object cannot be pickled into the ZODB)
        zone = pytz.timezone(site_spec["timezone"])
        fields["start"] = zone.localize(datetime.fromisoformat(spec["start"]))
        fields["end"] = zone.localize(datetime.fromisoformat(spec["end"]))
        fields["location"] = spec.get("location", "")
    if spec["type"] == "File":
        fields["file"] = NamedBlobFile(data=spec["data"].encode("utf-8"), filename=spec["id"],
                                       contentType="text/plain")
    container = container_at(spec["folder"])
    # the id Plone would choose from the title (as INameChooser does after a rename, without the savepoint)
    new_id = spec.get("id") or choose_id(container, spec["title"])
    obj = api.content.create(container=container, type=spec["type"], id=new_id, **fields)
    if spec.get("subjects"):
        obj.setSubject(tuple(spec["subjects"]))
    obj.setCreators(tuple(spec["creators"]))
    obj.creation_date = DateTime(spec["effective"]) - 0.02
    if spec["state"] == "published":
        publish(obj, spec["effective"])
    elif spec["state"] == "pending":
        obj.setEffectiveDate(DateTime(spec["effective"]))
        api.content.transition(obj=obj, transition="submit")
    else:
        obj.setEffectiveDate(DateTime(spec["effective"]))
    obj.reindexObject()
    settle(obj, spec.get("modified") or spec["effective"])
    uids[spec["key"]] = obj.UID()
    paths[spec["key"]] = "/".join(obj.getPhysicalPath()[2:])
    return obj


for spec in plan["items"] + plan["others"]:
    create_item(spec)
timings["content"] = time.monotonic() - started

transaction.commit()
# closed, so that FileStorage writes Data.fs.index (else every start rebuilds it)
database = app._p_jar.db()
app._p_jar.close()
database.close()
timings["total"] = time.monotonic() - started
with open(result_path, "w", encoding="utf-8") as handle:
    json.dump({"uids": uids, "paths": paths, "timings": timings}, handle, ensure_ascii=False, indent=1)
